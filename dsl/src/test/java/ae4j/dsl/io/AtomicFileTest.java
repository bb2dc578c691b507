package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failingWriteLeavesOldFileIntactAndNoTemporary() throws IOException {
        Path f = dir.resolve("model.safetensors");
        AtomicFile.writeString(f, "old content");
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFile.write(f, out -> {
                    out.write(new byte[200_000]); // more than the buffer: part of it reaches the temporary file
                    throw new IOException("disk full (simulated)");
                }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of("model.safetensors"), names());
    }

    @Test
    void runtimeFailureAlsoLeavesOldFile() throws IOException {
        Path f = dir.resolve("m.csv");
        AtomicFile.writeString(f, "a,b\n");
        assertThrows(
                IllegalStateException.class,
                () -> AtomicFile.write(f, out -> {
                    out.write('x');
                    throw new IllegalStateException("bug");
                }));
        assertEquals("a,b\n", Files.readString(f));
        assertEquals(List.of("m.csv"), names());
    }

    @Test
    void successReplacesAndCreatesFolders() throws IOException {
        Path f = dir.resolve("sub/dir/x.bin");
        AtomicFile.write(f, new byte[] {1, 2});
        AtomicFile.write(f, new byte[] {3});
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(1, s.count());
        }
    }

    /** A reader polling the file while it is rewritten sees only complete old or new versions. */
    @Test
    void concurrentReaderSeesOldOrNewNeverPartial() throws Exception {
        Path f = dir.resolve("w.safetensors");
        List<Safetensors.Tensor> a = List.of(Safetensors.Tensor.of("w", 256, 64, new float[256 * 64]));
        float[] ones = new float[256 * 64];
        java.util.Arrays.fill(ones, 1f);
        List<Safetensors.Tensor> b = List.of(Safetensors.Tensor.of("w", 256, 64, ones));
        Safetensors.write(f, a, Map.of());
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    Safetensors.write(f, i % 2 == 0 ? b : a, Map.of());
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        int reads = 0;
        while (writer.isAlive() || reads < 5) {
            float[] d = Safetensors.read(f).tensors().get("w").data();
            float first = d[0];
            for (float v : d) {
                assertEquals(first, v);
            }
            reads++;
        }
        writer.join();
    }

    /** A failing safetensors write (unencodable content) keeps the previous file. */
    @Test
    void failedSafetensorsWriteKeepsOldFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, List.of(Safetensors.Tensor.of("w", 1, 1, new float[] {7})), Map.of());
        byte[] before = Files.readAllBytes(f);
        assertThrows(
                IllegalArgumentException.class,
                () -> Safetensors.write(
                        f,
                        List.of(
                                Safetensors.Tensor.of("w", 1, 1, new float[] {1}),
                                Safetensors.Tensor.of("w", 1, 1, new float[] {2})),
                        Map.of()));
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @org.junit.jupiter.api.Test
    void newFilesAreWorldReadableAndReplacedFilesKeepTheirPermissions(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path f = dir.resolve("new.txt");
        AtomicFile.writeString(f, "x");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                f.getFileSystem().supportedFileAttributeViews().contains("posix"));
        org.junit.jupiter.api.Assertions.assertEquals(
                "rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFile.writeString(f, "y");
        org.junit.jupiter.api.Assertions.assertEquals(
                "rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    /** A writer killed mid-write leaves .NAME.*.tmp; the next write of NAME removes it once it is stale. */
    @Test
    void staleTemporariesOfAKilledWriterAreRemoved() throws IOException {
        Path target = dir.resolve("m.safetensors");
        Path stale = Files.writeString(dir.resolve(".m.safetensors.123.tmp"), "half");
        Files.setLastModifiedTime(
                stale,
                java.nio.file.attribute.FileTime.from(
                        java.time.Instant.now().minus(AtomicFile.STALE).minusSeconds(60)));
        Path fresh = Files.writeString(dir.resolve(".m.safetensors.456.tmp"), "another writer");
        Path other = Files.writeString(dir.resolve(".other.789.tmp"), "not ours");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(stale));
        AtomicFile.writeString(target, "new");
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(other));
    }
}
