package ae4j.dsl.analysis;

import static ae4j.dsl.analysis.ManifoldAnalysisRunTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.run.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ae4j run} with {@code knn_embedding}: its files, its printed numbers (the disconnected-graph error is in NearestNeighboursTest). */
class KnnEmbeddingRunTest {

    @Test
    void embedsASpiralAndWritesItsFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("spiral.ae");
        Files.writeString(f, """
                data s = spiral(n: 600, seed: 3)
                model ae {
                  input x[2]
                  encoder f { dense 8 tanh; dense 1 }
                  decoder g { dense 8 tanh; dense 2 }
                  minimize mse(x, g(f(x)))
                }
                train ae on s { epochs: 1, batch: 50, seed: 2 }
                evaluate ae on s { knn_embedding(k: 8, samples: 300), knn_embedding(method: laplacian, dims: 1, samples: 300) }
                """);
        RunOutcome r = RunOutcome.of(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().contains("isomap of the 8-nearest-neighbour graph of 300 inputs (300 of 600 examples"),
                r.out());
        double printed = number(r.out(), "coordinate 1 with intrinsic coordinate 1: (-?[0-9.]+)");
        // the printed correlation is the one of the written coordinates
        List<String> csv = Files.readAllLines(dir.resolve("out/ae/knn-embedding.csv"));
        assertEquals("example,e1,e2,latent1", csv.get(0));
        assertEquals(301, csv.size());
        double[] e1 = new double[300], t = new double[300];
        for (int i = 0; i < 300; i++) {
            String[] p = csv.get(i + 1).split(",");
            assertEquals(2 * i, Integer.parseInt(p[0]), "evenly spaced examples");
            e1[i] = Double.parseDouble(p[1]);
            t[i] = Double.parseDouble(p[3]);
        }
        assertEquals(Spearman.of(e1, t), printed, 1e-4);
        // an open curve, densely sampled: its graph geodesic is the arc length, monotone in t
        assertTrue(Math.abs(printed) > 0.99, r.out());
        List<String> lap = Files.readAllLines(dir.resolve("out/ae/knn-embedding-laplacian.csv"));
        assertEquals("example,e1,latent1", lap.get(0));
        assertTrue(
                ImageIO.read(dir.resolve("out/ae/knn-embedding.png").toFile()).getWidth() > 100);
        assertTrue(
                ImageIO.read(dir.resolve("out/ae/knn-embedding-laplacian.png").toFile())
                                .getWidth()
                        > 100);
    }
}
