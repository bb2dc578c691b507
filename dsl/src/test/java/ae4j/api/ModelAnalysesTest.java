package ae4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.run.Session;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analyses reached from Java through the facade, against independent computations. */
class ModelAnalysesTest {

    @TempDir
    Path dir;

    private Model trained() {
        Ae4j.use(new Session(dir, dir.resolve("r"), null));
        Ae4j.eval("""
                data pts = gaussian_mixture(k: 3, dim: 5, n: 600, seed: 2)
                model dae {
                  input x[5]
                  encoder f { dense 8 tanh; dense 3 sigmoid }
                  decoder g { dense 8 tanh; dense 5 }
                  corrupt x~ = gaussian(x, sigma: 0.2)
                  minimize mse(x, g(f(x~)))
                }
                train dae on pts { epochs: 3, batch: 50, seed: 1 }
                """);
        return Ae4j.model("dae");
    }

    @Test
    void jacobianMatchesCentralDifferencesOfEncode() {
        Model m = trained();
        float[] x = Ae4j.data("pts").row(11);
        double[][] j = m.jacobian(x);
        assertEquals(3, j.length);
        assertEquals(5, j[0].length);
        double h = 1e-2;
        for (int c = 0; c < 5; c++) {
            float[] plus = x.clone();
            float[] minus = x.clone();
            plus[c] += (float) h;
            minus[c] -= (float) h;
            float[] fp = m.encode(plus);
            float[] fm = m.encode(minus);
            for (int r = 0; r < 3; r++) {
                double fd = (fp[r] - fm[r]) / (2 * h);
                assertEquals(fd, j[r][c], 2e-3 + 1e-2 * Math.abs(fd), "dh_" + r + "/dx_" + c);
            }
        }
    }

    @Test
    void scoreIsReconstructionMinusInputOverSigmaSquared() {
        Model m = trained();
        float[][] x = Ae4j.data("pts").rows(0, 4);
        float[][] s = m.score(x);
        float[][] r = m.reconstruct(x);
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 5; c++)
                assertEquals((r[i][c] - x[i][c]) / 0.04, s[i][c], 1e-3 * (1 + Math.abs(s[i][c])));
        }
    }

    @Test
    void spectrumAndPcaComparisonAreConsistentWithTheJacobianAndReconstructions() {
        Model m = trained();
        Data pts = Ae4j.data("pts");
        var spec = m.spectrum(pts, pts.size()); // every example
        double frob = 0;
        for (int i = 0; i < pts.size(); i++) {
            double sq = 0;
            for (double[] row : m.jacobian(pts.row(i))) for (double v : row) sq += v * v;
            frob += Math.sqrt(sq);
        }
        assertEquals(frob / pts.size(), spec.meanFrobenius(), 1e-6 * (1 + frob / pts.size()));
        assertTrue(spec.fractionBelowOne() >= 0 && spec.fractionBelowOne() <= 1);
        var cmp = m.versusPca(pts, pts, 3);
        // The autoencoder's error, recomputed from reconstruct(): sum of squares per example.
        float[][] x = pts.rows(0, pts.size());
        float[][] r = m.reconstruct(x);
        double sum = 0;
        for (int i = 0; i < x.length; i++) for (int c = 0; c < 5; c++) sum += (x[i][c] - r[i][c]) * (x[i][c] - r[i][c]);
        assertEquals(sum / x.length, cmp.aeError(), 1e-4 * (1 + sum / x.length));
        assertEquals(cmp.aeError() / cmp.pcaError(), cmp.ratio(), 1e-9);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            Ae4j.eval(
                    "model plain { input x[5] encoder f { dense 2 } decoder g { dense 5 } minimize mse(x, g(f(x))) }");
            Ae4j.model("plain").score(x);
        });
        assertTrue(e.getMessage().contains("gaussian corruption"), e.getMessage());
    }

    /** Model.sample and Model.interpolate: what the analyses compute, from Java, with their numbers. */
    @Test
    void manifoldParzenFromJavaMatchesTheAnalysisClass() {
        Model m = trained();
        Data pts = Ae4j.data("pts");
        var r = m.manifoldParzen(pts, pts, 10, 1);
        var direct = ae4j.dsl.analysis.ManifoldParzen.compare(pts.dataset(), pts.dataset(), 10, 1);
        assertEquals(direct.pancakeLogLikelihood(), r.pancakeLogLikelihood(), 1e-12);
        assertEquals(direct.isoLogLikelihood(), r.isoLogLikelihood(), 1e-12);
        assertEquals(480, r.centres());
        assertEquals(120, r.validation());
        assertTrue(r.picture() == null, "no picture for 5-D data");
        Ae4j.eval("data other = gaussian_mixture(k: 3, dim: 4, n: 50, seed: 2)");
        var e = assertThrows(IllegalArgumentException.class, () -> m.manifoldParzen(Ae4j.data("other"), pts, 10, 1));
        assertTrue(e.getMessage().contains("features"), e.getMessage());
    }

    @Test
    void sampleAndInterpolateFromJava() {
        Model dae = trained();
        Data pts = Ae4j.data("pts");
        var s = dae.sample(pts, 12, 20, 5, false, 3);
        assertEquals(12, s.chains().n());
        assertEquals(2, s.chains().perChain()); // steps 11..20, every 5th
        assertEquals(12 * 2 * 5, s.chains().samples().length);
        assertTrue(s.energy().containsKey("corruption_alone"), s.energy().toString());
        var again = dae.sample(pts, 12, 20, 5, false, 3);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                s.chains().samples(), again.chains().samples());
        var line = dae.interpolate(pts, 0, 1, 6);
        float[][] ends = dae.reconstruct(new float[][] {pts.rows(0, 1)[0], pts.rows(1, 2)[0]});
        for (int c = 0; c < 5; c++) {
            assertEquals(ends[0][c], line.paths().decoded()[c], 1e-5, "t = 0 decodes f(x_a)");
            assertEquals(ends[1][c], line.paths().decoded()[5 * 5 + c], 1e-5, "t = 1 decodes f(x_b)");
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> dae.interpolate(pts, 0, 600, 4));
        assertTrue(e.getMessage().contains("0 to 599"), e.getMessage());
    }

    @Test
    void retrievalReportsTheHashTableFiguresOfTheCodesAndTheBaselines() {
        Model m = trained();
        Data pts = Ae4j.data("pts");
        var rep = m.retrieval(pts, 3, 1, 5);
        assertEquals(3, rep.methods().size());
        assertEquals(pts.size(), rep.items());
        // The autoencoder's figures are those of its codes from encode(), binarised at 0.5, put in a hash table.
        float[][] h = m.encode(pts);
        float[] flat = new float[h.length * 3];
        for (int i = 0; i < h.length; i++) System.arraycopy(h[i], 0, flat, i * 3, 3);
        int[] labels = new int[pts.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = pts.dataset().label(i);
        var expected = ae4j.dsl.analysis.HammingRetrieval.evaluate(
                "autoencoder",
                ae4j.dsl.analysis.Retrieval.binarise(flat, h.length, 3, 3),
                3,
                labels,
                5,
                1,
                java.util.stream.IntStream.range(0, pts.size()).toArray());
        var ae = rep.method("autoencoder");
        assertEquals(expected.precisionAtK(), ae.precisionAtK(), 1e-12);
        assertEquals(expected.recall()[1], ae.recall()[1], 1e-12);
        assertEquals(expected.meanBallSize()[0], ae.meanBallSize()[0], 1e-12);
        assertTrue(rep.table().contains("LSH"), rep.table());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.retrieval(pts, 3, 4, 5));
        assertTrue(e.getMessage().contains("radius must be in 0..3"), e.getMessage());
    }

    /**
     * The codes' embedding is the embedding of the codes: the same as embedding {@code encode}'s output
     * directly; the inputs' embedding needs no model and its neighbour graph is the inputs'.
     */
    @Test
    void knnEmbeddingOfCodesEmbedsTheEncodedData() {
        Model m = trained();
        Data pts = Ae4j.data("pts");
        ae4j.dsl.analysis.KnnEmbedding.Result r = m.knnEmbedding(pts, 10, 2, "laplacian", true);
        float[][] h = m.encode(pts.rows(0, pts.size()));
        float[] flat = new float[h.length * 3];
        for (int i = 0; i < h.length; i++) System.arraycopy(h[i], 0, flat, 3 * i, 3);
        var g = ae4j.dsl.analysis.NeighbourGraph.of(ae4j.dsl.analysis.NearestNeighbours.of(flat, h.length, 3, 10));
        assertEquals(g.edges(), r.edges());
        var direct = ae4j.dsl.analysis.LaplacianEigenmaps.embed(g, 2);
        for (int i = 0; i < direct.coords().length; i++)
            assertEquals(direct.coords()[i], r.embedding().coords()[i], 1e-3, "coordinate " + i);
        assertEquals(600, r.numbers().get("n"));
        assertTrue(r.picture().getWidth() > 100);
        assertThrows(IllegalArgumentException.class, () -> m.knnEmbedding(pts, 10, 2, "tsne", false));
    }
}
