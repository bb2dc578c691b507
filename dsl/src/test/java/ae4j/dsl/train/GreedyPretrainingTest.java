package ae4j.dsl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.check.LayerKind;
import ae4j.dsl.check.Nonlinearity;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.runtime.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link GreedyPretraining}: greedy layer-wise pretraining of a deep autoencoder (section 14.3). */
class GreedyPretrainingTest {

    private static int counter;

    static CheckedModel model(String source, String name) {
        FrontEnd.Result r = FrontEnd.check("test.ae", source);
        if (!r.ok()) throw new AssertionError(r.diagnostics().render());
        return r.checked().model(name);
    }

    static final String DEEP = """
            model deep {
              input x[256]
              encoder f { dense 128 sigmoid; dense 64 sigmoid; dense 10 identity }
              decoder g { dense 64 sigmoid; dense 128 sigmoid; dense 256 sigmoid }
              minimize mse(x, g(f(x)))
            }
            """;

    /** The plan mirrors the decoder: level i pairs encoder layer i with decoder layer L-1-i, and says where each weight goes. */
    @Test
    void levelsPairEachEncoderLayerWithItsMirrorInTheDecoder() {
        CheckedModel m = model(DEEP, "deep");
        List<GreedyPretraining.Level> levels = GreedyPretraining.plan(m);
        assertEquals(3, levels.size());
        int[][] sizes = {{256, 128}, {128, 64}, {64, 10}};
        Nonlinearity[] decAct = {Nonlinearity.SIGMOID, Nonlinearity.SIGMOID, Nonlinearity.SIGMOID};
        for (int i = 0; i < 3; i++) {
            CheckedModel s = levels.get(i).shallow();
            assertEquals(sizes[i][0], s.input().size());
            assertEquals(
                    List.of(new CheckedModel.LayerInfo(
                            LayerKind.DENSE,
                            sizes[i][0],
                            sizes[i][1],
                            m.encoder().layers().get(i).activation())),
                    s.encoder().layers());
            assertEquals(
                    List.of(new CheckedModel.LayerInfo(LayerKind.DENSE, sizes[i][1], sizes[i][0], decAct[i])),
                    s.decoder().layers());
            assertTrue(levels.get(i).keepsDecoder());
            assertEquals(
                    Map.of(
                            "f.0.weight",
                            "f." + i + ".weight",
                            "f.0.bias",
                            "f." + i + ".bias",
                            "g.0.weight",
                            "g." + (2 - i) + ".weight",
                            "g.0.bias",
                            "g." + (2 - i) + ".bias"),
                    levels.get(i).destinations());
            assertEquals(m.objective(), s.objective());
        }
        assertEquals(
                "64 -> 10 identity, decoder 10 -> 64 sigmoid (becomes g.0), mse",
                levels.get(2).describe());
    }

    /**
     * Losses, penalties and corruption per level: a Bernoulli likelihood is kept where the reconstructed
     * values are sigmoid outputs and becomes squared error on ReLU codes; a code penalty only at the top; the
     * contractive penalty and the corruption at every level; a decoder that does not mirror the encoder gives
     * temporary decoders ending in the activation of what they reconstruct.
     */
    @Test
    void objectivesCorruptionAndTemporaryDecoders() {
        CheckedModel m = model("""
                model dae {
                  input x[100]
                  encoder f { dense 50 relu; dense 20 sigmoid; dense 8 sigmoid }
                  decoder g { dense 100 sigmoid }
                  corrupt x~ = masking(x, p: 0.2)
                  minimize bernoulli_nll(x, g(f(x~))) + 0.01 * l1(h) + 0.1 * jacobian_frobenius(f, x)
                }
                """, "dae");
        List<GreedyPretraining.Level> levels = GreedyPretraining.plan(m);
        assertEquals(3, levels.size());
        List<String> losses = new ArrayList<>();
        for (GreedyPretraining.Level l : levels) {
            assertFalse(l.keepsDecoder());
            assertEquals(
                    Map.of("f.0.weight", "f." + l.index() + ".weight", "f.0.bias", "f." + l.index() + ".bias"),
                    l.destinations());
            assertEquals(m.corruption(), l.shallow().corruption(), "corruption at every level");
            assertEquals(m.code().value(), l.shallow().code().value());
            losses.add(String.join(
                    " + ",
                    l.shallow().objective().stream().map(t -> t.loss().word()).toList()));
        }
        // level 0 reconstructs pixels (sigmoid decoder as declared), level 1 relu codes (mse), level 2 sigmoid codes
        assertEquals(
                List.of(
                        "bernoulli_nll + jacobian_frobenius",
                        "mse + jacobian_frobenius",
                        "bernoulli_nll + l1 + jacobian_frobenius"),
                losses);
        assertEquals(
                List.of("sigmoid", "relu", "sigmoid"),
                levels.stream()
                        .map(l -> l.shallow()
                                .decoder()
                                .layers()
                                .get(0)
                                .activation()
                                .word())
                        .toList());
        CheckedModel.Term mse = levels.get(1).shallow().objective().get(0);
        assertEquals(
                Map.of(
                        "a",
                        new MExpr.Input("x"),
                        "b",
                        new MExpr.Decode("g", new MExpr.Encode("f", new MExpr.Corrupted("x")))),
                mse.args());
        // each level compiles through the ordinary pipeline
        for (GreedyPretraining.Level l : levels)
            assertTrue(Lowering.lower(l.shallow()).params().size() >= 3);
    }

    @Test
    void aFreeCodeCannotBePretrained() {
        CheckedModel m = model("""
                model psd {
                  input x[16]
                  encoder f { dense 8 tanh }
                  decoder g { dense 16 }
                  free code h { steps: 5, lr: 0.1 }
                  minimize mse(x, g(h)) + 0.5 * l1(h) + mse(h, f(x))
                }
                """, "psd");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GreedyPretraining.plan(m));
        assertTrue(e.getMessage().contains("free code"), e.getMessage());
    }

    /**
     * Synthetic images in [0, 1]: each of n 16 x 16 images sums a random subset (probability 0.3 each) of 12
     * fixed Gaussian blobs with random intensities in [0.5, 1], clipped at 1.
     */
    static float[] blobImages(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int side = 16, blobs = 12;
        double[][] centre = new double[blobs][2];
        double[] width = new double[blobs];
        SplittableRandom shapes = new SplittableRandom(42);
        for (int b = 0; b < blobs; b++) {
            centre[b][0] = 2 + shapes.nextDouble() * (side - 4);
            centre[b][1] = 2 + shapes.nextDouble() * (side - 4);
            width[b] = 1 + shapes.nextDouble() * 2;
        }
        float[] x = new float[n * side * side];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < blobs; b++) {
                if (r.nextDouble() >= 0.3) continue;
                double a = 0.5 + 0.5 * r.nextDouble();
                for (int p = 0; p < side; p++) {
                    for (int q = 0; q < side; q++) {
                        double d2 = Math.pow(p - centre[b][0], 2) + Math.pow(q - centre[b][1], 2);
                        x[i * side * side + p * side + q] += (float) (a * Math.exp(-d2 / (2 * width[b] * width[b])));
                    }
                }
            }
            for (int j = 0; j < side * side; j++) x[i * side * side + j] = Math.min(1f, x[i * side * side + j]);
        }
        return x;
    }

    static double meanLoss(CompiledModel m, float[] x, int n, int d) {
        int b = m.maxBatch();
        float[] buf = new float[b * d];
        double s = 0;
        for (int from = 0; from < n; from += b) {
            int rows = Math.min(b, n - from);
            System.arraycopy(x, from * d, buf, 0, rows * d);
            s += m.loss(buf, rows, 0, 0, false) * rows;
        }
        return s / n;
    }

    /**
     * Section 14.3: greedy pretraining trains. Each level's shallow autoencoder lowers its own loss; the
     * deep model's parameters are exactly the levels' (its code equals the levels' encoders applied one after
     * another); the pretrained stack starts fine-tuning with a lower objective than the same model at random
     * initialisation, on training and held-out data; and after the same number of fine-tuning epochs the
     * pretrained model still reconstructs held-out data better, also than the randomly initialised one trained
     * 4 epochs longer, which costs as much arithmetic as the pretraining (sigmoid hidden layers, where deep
     * autoencoders are slow to train from random weights). Measured: held-out 3.66 pretrained, 10.84 from
     * random weights after the same 5 epochs, 5.98 after 9.
     */
    @Test
    void pretrainedStackStartsAndEndsBelowRandomInitialisation_14_3() {
        int n = 3000, nt = 500, d = 256;
        float[] x = blobImages(n, 1);
        float[] test = blobImages(nt, 2);
        CheckedModel m = model(DEEP, "deep");
        ModelBuilder builder = ModelBuilder.generated();
        BuiltModel deep = builder.build(m, 256, 7);
        Lowering.Lowered deepIr = deep.ir();
        CompiledModel pre = deep.model();
        CompiledModel rnd = builder.build(m, 256, 7).model();
        TrainConfig c = TrainConfig.defaults().withEpochs(4).withBatch(64).withSeed(3);
        double initial = meanLoss(rnd, x, n, d);
        List<GreedyPretraining.LevelResult> levels = GreedyPretraining.pretrain(m, pre, x, n, c, builder, null);
        double afterPretraining = meanLoss(pre, x, n, d);
        double heldOutPre = meanLoss(pre, test, nt, d), heldOutRnd = meanLoss(rnd, test, nt, d);
        for (GreedyPretraining.LevelResult r : levels) {
            List<Double> l = r.training().trainLoss();
            System.out.printf(
                    Locale.ROOT,
                    "14.3 pretraining level %d (%s): loss per epoch %s%n",
                    r.level().index() + 1,
                    r.level().describe(),
                    l);
            assertTrue(l.get(l.size() - 1) < l.get(0), "level " + r.level().index() + " did not lower its loss: " + l);
        }
        // The deep model's code is the levels' encoders composed: the copies landed where they belong.
        float[] probe = java.util.Arrays.copyOf(test, 50 * d);
        float[] codes = probe;
        int width = d;
        for (int i = 0; i < 3; i++) {
            BuiltModel s = levels.get(i).model();
            int out = levels.get(i).level().shallow().code().size();
            codes = GreedyPretraining.codes(s.model(), s.ir().code(), codes, 50, width, out);
            width = out;
        }
        float[] deepCodes = GreedyPretraining.codes(pre, deepIr.code(), probe, 50, d, 10);
        assertArrayEquals(codes, deepCodes, 1e-5f, "deep code vs the levels' encoders composed");

        TrainConfig fine = c.withEpochs(5).withOptimizer("adam", Map.of("lr", 1e-3));
        new Trainer(pre, fine, null).train(x, n, d);
        new Trainer(rnd, fine, null).train(x, n, d);
        double finalPre = meanLoss(pre, test, nt, d), finalRnd = meanLoss(rnd, test, nt, d);
        // Random initialisation given 4 more epochs of the deep model: the same arithmetic as the levels' 4 epochs
        // each (together the three shallow autoencoders have exactly the deep model's weights).
        new Trainer(rnd, fine.withEpochs(4), null).train(x, n, d);
        double longerRnd = meanLoss(rnd, test, nt, d);
        System.out.printf(
                Locale.ROOT,
                "14.3: deep sigmoid autoencoder 256-128-64-10, training objective %.4f at random "
                        + "initialisation, %.4f after greedy pretraining (4 epochs per level); held-out %.4f vs %.4f; after 5"
                        + " epochs of fine-tuning: held-out %.4f pretrained vs %.4f from random initialisation (%.4f after 9"
                        + " epochs)%n",
                initial,
                afterPretraining,
                heldOutRnd,
                heldOutPre,
                finalPre,
                finalRnd,
                longerRnd);
        assertTrue(
                afterPretraining < initial,
                "objective after pretraining " + afterPretraining + " vs random " + initial);
        assertTrue(
                heldOutPre < heldOutRnd,
                "held-out objective after pretraining " + heldOutPre + " vs random " + heldOutRnd);
        assertTrue(finalPre < finalRnd, "after fine-tuning: pretrained " + finalPre + " vs random " + finalRnd);
        assertTrue(
                finalPre < longerRnd,
                "after fine-tuning: pretrained " + finalPre + " vs random with 4 more epochs " + longerRnd);
    }

    @Test
    void aTiedDeepModelStaysTied() {
        CheckedModel m = model("""
                model t {
                  input x[32]
                  encoder f { dense 16 sigmoid; dense 4 sigmoid }
                  decoder g tied
                  minimize mse(x, g(f(x)))
                }
                """, "t");
        List<GreedyPretraining.Level> levels = GreedyPretraining.plan(m);
        assertTrue(levels.get(0).shallow().decoder().tied());
        assertEquals(
                Map.of("f.0.weight", "f.1.weight", "f.0.bias", "f.1.bias", "g.0.bias", "g.0.bias"),
                levels.get(1).destinations());
        assertNull(levels.get(1).shallow().output());
    }
}
