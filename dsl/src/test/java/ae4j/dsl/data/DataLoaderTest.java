package ae4j.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedProgram;
import ae4j.dsl.check.FrontEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLoaderTest {

    @TempDir
    Path dir;

    static CheckedProgram program(String src) {
        FrontEnd.Result r = FrontEnd.check("t.ae", src);
        assertTrue(r.ok(), () -> r.diagnostics().render());
        return r.checked();
    }

    @Test
    void buildsEveryDataSetInOrderWithReferencesSplitsAndTransforms() throws IOException {
        Files.createDirectories(dir.resolve("imgs"));
        Files.write(dir.resolve("imgs/train.gz"), IdxReaderTest.gzip(IdxReaderTest.images(10, 2, 2)));
        byte[] lab = new byte[10];
        for (int i = 0; i < 10; i++) lab[i] = (byte) i;
        Files.write(dir.resolve("imgs/labels"), IdxReaderTest.idx(new int[] {10}, lab));
        CheckedProgram p = program("""
                data train = idx("imgs/train.gz", labels: "imgs/labels") scale 1 / 255
                data small = train take 4 flatten
                data (fit, val) = split(train, 0.8)
                data moons = two_moons(n: 30, seed: 2, noise: 0.05) standardize
                """);
        DataLoader loader = new DataLoader(p, dir);
        Map<String, Dataset> all = loader.all();
        assertEquals(List.of("train", "small", "fit", "val", "moons"), List.copyOf(all.keySet()));
        Dataset train = all.get("train");
        assertEquals(10, train.size());
        assertArrayEquals(new int[] {2, 2}, train.shape());
        assertEquals(7 / 255f, train.get(0, 1), 1e-7);
        assertArrayEquals(new int[] {4}, all.get("small").shape());
        assertArrayEquals(new int[] {0, 1, 2, 3}, all.get("small").labels());
        assertArrayEquals(new int[] {8, 9}, all.get("val").labels());
        assertEquals(8, all.get("fit").size());
        assertEquals("fit", all.get("fit").name());
        assertEquals(30, all.get("moons").size());
        assertSame(train, loader.get("train"));
    }

    @Test
    void missingFashionMnistSaysHowToInstallIt() {
        CheckedProgram p = program("data train = idx(\"fashion-mnist/train-images-idx3-ubyte.gz\")\n");
        Path emptyRoot = dir.resolve("no-datasets");
        DataLoader loader = new DataLoader(p, new DataPaths(dir, emptyRoot));
        DataException e = assertThrows(DataException.class, () -> loader.get("train"));
        assertTrue(
                e.getMessage().startsWith("data train: data file 'fashion-mnist/train-images-idx3-ubyte.gz' not found"),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(emptyRoot
                                .resolve("fashion-mnist/train-images-idx3-ubyte.gz")
                                .toString()),
                e.getMessage());
        assertTrue(
                e.getMessage().endsWith("install it with: sudo apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void sharedRootIsSearchedForBareDatasetPaths() throws IOException {
        Path root = dir.resolve("shared");
        Files.createDirectories(root.resolve("mnist"));
        Files.write(root.resolve("mnist/t10k"), IdxReaderTest.images(3, 2, 2));
        Path base = Files.createDirectories(dir.resolve("project"));
        assertEquals(root.resolve("mnist/t10k"), new DataPaths(base, root).resolve("mnist/t10k"));
        Files.createDirectories(base.resolve("mnist"));
        Files.write(base.resolve("mnist/t10k"), IdxReaderTest.images(1, 2, 2));
        assertEquals(base.resolve("mnist/t10k"), new DataPaths(base, root).resolve("mnist/t10k")); // local copy wins
    }

    /** A value that is not a finite number (a CSV cell that overflows reads as infinity) is refused where it is. */
    @Test
    void nonFiniteValuesAreRefusedWithTheirPlace() throws java.io.IOException {
        Files.writeString(dir.resolve("points.csv"), "a,b\n1,2\n3,1e999\n5,6\n");
        CheckedProgram p = program("data d = csv(\"points.csv\")\n");
        DataException e = assertThrows(DataException.class, () -> new DataLoader(p, dir).get("d"));
        assertTrue(e.getMessage().contains("points.csv holds Infinity at example 2, value 2"), e.getMessage());
    }

    @Test
    void otherMissingFilesSayWhereTheyWereLookedFor() {
        CheckedProgram p = program("data d = csv(\"points.csv\")\n");
        DataException e = assertThrows(DataException.class, () -> new DataLoader(p, dir).get("d"));
        assertTrue(
                e.getMessage().contains(dir.resolve("points.csv").toString())
                        && e.getMessage().contains("relative to the folder"),
                e.getMessage());
    }

    @Test
    void csvAndNpySourcesThroughTheLoader() throws IOException {
        Files.writeString(dir.resolve("p.csv"), "x,y,label\n1,2,0\n3,4,1\n");
        Files.write(
                dir.resolve("a.npy"),
                NpyReaderTest.npy(1, "<f4", false, new int[] {2, 2}, NpyReaderTest.le(4, 1, 2, 3, 4)));
        CheckedProgram p = program("""
                data c = csv("p.csv", label_column: 2)
                data a = npy("a.npy") shuffle(seed: 1)
                """);
        Map<String, Dataset> all = new DataLoader(p, dir).all();
        assertArrayEquals(new float[] {1, 2, 3, 4}, all.get("c").values());
        assertArrayEquals(new int[] {0, 1}, all.get("c").labels());
        assertEquals(2, all.get("a").size());
    }
}
