package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import ae4j.dsl.run.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code manifold_parzen} through {@code ae4j run}: defaults, {@code fit:}, files and errors. */
class ManifoldParzenRunTest {

    static final String MODEL = """
            model ae {
              input x[2]
              encoder f { dense 8 tanh; dense 1 tanh }
              decoder g { dense 8 tanh; dense 2 }
              minimize mse(x, g(f(x)))
            }
            train ae on train { epochs: 1, batch: 50, seed: 2 }
            """;

    @Test
    void printsTheSameFiguresAsTheJavaApiWithAndWithoutFit(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.ae");
        Files.writeString(f, """
                data train = circle(n: 200, noise: 0.02, seed: 1)
                data test = circle(n: 100, noise: 0.02, seed: 2)
                """ + MODEL + """
                analyze ae on test { manifold_parzen(fit: train) }
                """);
        RunOutcome r = RunOutcome.of(f, dir.resolve("out"));
        assertEquals(0, r.code(), r.err());
        Dataset train = Synthetic.circle("train", 200, 1, 0.02, 1);
        Dataset test = Synthetic.circle("test", 100, 2, 0.02, 1);
        // the defaults are k 10, d 1
        ManifoldParzen.Result expect = ManifoldParzen.compare(train, test, 10, 1);
        String line = String.format(
                java.util.Locale.ROOT,
                "manifold_parzen(k: 10, d: 1) on test: held-out log-likelihood per example %.4f nats"
                        + " (pancakes, sigma %.4g) vs %.4f (isotropic Parzen, bandwidth %.4g)",
                expect.pancakeLogLikelihood(),
                expect.pancakeSigma(),
                expect.isoLogLikelihood(),
                expect.isoSigma());
        assertTrue(r.out().contains(line), "expected\n" + line + "\nin\n" + r.out());
        assertTrue(r.out().contains("160 Gaussians (on train)"), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("out/ae/manifold-parzen.csv"));
        assertEquals("sigma,iso_validation_loglik,pancake_validation_loglik", csv.get(0));
        assertEquals(1 + ManifoldParzen.GRID_SIZE, csv.size());
        assertTrue(
                ImageIO.read(dir.resolve("out/ae/manifold-parzen.png").toFile()).getWidth() > 100);

        // without fit: every 4th example of the analysed data is the test set
        Files.writeString(f, """
                data train = circle(n: 200, noise: 0.02, seed: 1)
                """ + MODEL + """
                analyze ae on train { manifold_parzen(k: 6) }
                """);
        r = RunOutcome.of(f, dir.resolve("out2"));
        assertEquals(0, r.code(), r.err());
        Dataset fit =
                train.subset(IntStream.range(0, 200).filter(i -> i % 4 != 3).toArray());
        Dataset held =
                train.subset(IntStream.range(0, 200).filter(i -> i % 4 == 3).toArray());
        ManifoldParzen.Result split = ManifoldParzen.compare(fit, held, 6, 1);
        assertNotEquals(expect.pancakeLogLikelihood(), split.pancakeLogLikelihood());
        assertTrue(
                r.out()
                        .contains(String.format(
                                java.util.Locale.ROOT,
                                "manifold_parzen(k: 6, d: 1) on train: held-out log-likelihood per example %.4f nats",
                                split.pancakeLogLikelihood())),
                r.out());
        assertTrue(r.out().contains("tested on 50 examples (every 4th example of train"), r.out());
    }

    @Test
    void tooManyDirectionsIsAClearError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.ae");
        Files.writeString(f, """
                data train = circle(n: 100, noise: 0.02, seed: 1)
                """ + MODEL + """
                analyze ae on train { manifold_parzen(d: 3) }
                """);
        RunOutcome r = RunOutcome.of(f, dir.resolve("out"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("d must be 0 to 2, got 3"), r.err());
    }
}
