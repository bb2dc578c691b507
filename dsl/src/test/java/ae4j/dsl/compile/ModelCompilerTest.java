package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCompilerTest {

    @Test
    void secondLoadComesFromTheCacheWithoutJavac(@TempDir Path dir) throws Exception {
        Graph g = GeneratedCodeTest.randomGraph(new SplittableRandom(9), 0);
        String src = JavaEmitter.emit(g, "ae4j.generated.cache");
        String cls = "ae4j.generated.cache." + JavaEmitter.classNameFor(g);
        ModelCompiler mc = new ModelCompiler(dir);
        assertFalse(mc.isCached(src));
        Class<?> first = mc.load(cls, src);
        assertTrue(mc.isCached(src));
        Path entry = dir.resolve(ModelCompiler.key(src));
        assertTrue(Files.exists(entry.resolve(cls + ".class")));
        long compiles = InMemoryCompiler.compilations();
        Class<?> second = new ModelCompiler(dir).load(cls, src);
        assertEquals(compiles, InMemoryCompiler.compilations(), "the cached load ran javac");
        assertNotSame(first, second, "each load defines the class in a fresh loader");
        assertEquals(first.getName(), second.getName());
        // No temporary folders are left behind.
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void aDifferentSourceIsADifferentEntry() {
        Graph a = GeneratedCodeTest.randomGraph(new SplittableRandom(1), 0);
        Graph b = GeneratedCodeTest.randomGraph(new SplittableRandom(2), 0);
        String sa = JavaEmitter.emit(a, "p");
        String sb = JavaEmitter.emit(b, "p");
        assertFalse(ModelCompiler.key(sa).equals(ModelCompiler.key(sb)));
        assertEquals(ModelCompiler.key(sa), ModelCompiler.key(sa));
    }

    @Test
    void anUnwritableCacheOnlyCostsACompile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-folder");
        Files.writeString(file, "x");
        Graph g = GeneratedCodeTest.randomGraph(new SplittableRandom(3), 0);
        String src = JavaEmitter.emit(g, "ae4j.generated.nocache");
        Class<?> c = new ModelCompiler(file.resolve("sub"))
                .load("ae4j.generated.nocache." + JavaEmitter.classNameFor(g), src);
        assertEquals("ae4j.generated.nocache." + JavaEmitter.classNameFor(g), c.getName());
    }

    private static String[] model(int seed, String pkg) {
        Graph g = GeneratedCodeTest.randomGraph(new SplittableRandom(seed), 0);
        return new String[] {pkg + "." + JavaEmitter.classNameFor(g), JavaEmitter.emit(g, pkg)};
    }

    /** A truncated class in the cache (a crash, a full disk) is found by its manifest and compiled again. */
    @Test
    void aTruncatedCachedClassIsReplacedNotLoaded(@TempDir Path dir) throws Exception {
        String[] m = model(11, "ae4j.generated.trunc");
        new ModelCompiler(dir).load(m[0], m[1]);
        Path classFile = dir.resolve(ModelCompiler.key(m[1])).resolve(m[0] + ".class");
        byte[] whole = Files.readAllBytes(classFile);
        Files.write(classFile, java.util.Arrays.copyOf(whole, whole.length / 2));
        long compiles = InMemoryCompiler.compilations();
        Class<?> c = new ModelCompiler(dir).load(m[0], m[1]);
        assertEquals(m[0], c.getName());
        assertEquals(compiles + 1, InMemoryCompiler.compilations(), "compiled again");
        assertArrayEquals(whole, Files.readAllBytes(classFile), "the entry is whole again");
        compiles = InMemoryCompiler.compilations();
        new ModelCompiler(dir).load(m[0], m[1]);
        assertEquals(compiles, InMemoryCompiler.compilations(), "and loads from the cache again");
    }

    /** Bytes that match their manifest but that the JVM refuses (ClassFormatError) are compiled again too. */
    @Test
    void aCachedClassTheJvmRefusesIsReplaced(@TempDir Path dir) throws Exception {
        String[] m = model(12, "ae4j.generated.refused");
        new ModelCompiler(dir).load(m[0], m[1]);
        Path entry = dir.resolve(ModelCompiler.key(m[1]));
        byte[] garbage = "not a class file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(entry.resolve(m[0] + ".class"), garbage);
        Files.writeString(
                entry.resolve(ModelCompiler.MANIFEST), ModelCompiler.manifest(java.util.Map.of(m[0], garbage)));
        Class<?> c = new ModelCompiler(dir).load(m[0], m[1]);
        assertEquals(m[0], c.getName());
        assertTrue(Files.readAllBytes(entry.resolve(m[0] + ".class")).length > 1000, "rewritten");
    }

    /** Temporary folders of a killed run are removed once stale; a fresh one (another run's) is kept. */
    @Test
    void staleTemporaryFoldersAreRemoved(@TempDir Path dir) throws Exception {
        Path stale = Files.createDirectories(dir.resolve(".tmp-123"));
        Files.writeString(stale.resolve("X.class"), "half");
        Files.setLastModifiedTime(
                stale,
                java.nio.file.attribute.FileTime.from(
                        java.time.Instant.now().minus(ModelCompiler.STALE).minusSeconds(60)));
        Path fresh = Files.createDirectories(dir.resolve(".tmp-456"));
        String[] m = model(13, "ae4j.generated.stale");
        new ModelCompiler(dir).load(m[0], m[1]);
        assertFalse(Files.exists(stale), "stale folder removed");
        assertTrue(Files.exists(fresh), "a fresh folder may be another run's");
    }
}
