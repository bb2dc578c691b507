package ae4j.dsl.compile;

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
}
