package ae4j.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.BernoulliNll;
import ae4j.dsl.ir.Graph.CategoricalNll;
import ae4j.dsl.ir.Graph.Contractive;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Corruption;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.JacobianEstimate;
import ae4j.dsl.ir.Graph.KlSparsity;
import ae4j.dsl.ir.Graph.L1;
import ae4j.dsl.ir.Graph.Mse;
import ae4j.dsl.ir.Graph.Param;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import ae4j.dsl.ir.Graph.WeightDecay;
import ae4j.vecmath.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The structure Lowering produces: nodes, parameters, terms and origins for small programs. */
class LoweringTest {

    static CheckedModel model(String source) {
        FrontEnd.Result r = FrontEnd.check("test.ae", source);
        assertTrue(r.ok(), r.diagnostics().render());
        return r.checked().models().get(0);
    }

    static Graph lower(String source) {
        return Lowering.lower(model(source));
    }

    private static List<String> paramNames(Graph g) {
        return g.params().stream()
                .map(p -> p.name() + "[" + p.rows() + "x" + p.cols() + "]")
                .toList();
    }

    @Test
    void tiedContractiveAutoencoder() {
        Graph g = lower("""
                model cae {
                  input x[6]
                  encoder f { dense 4 sigmoid }
                  decoder g tied
                  output bernoulli
                  minimize bernoulli_nll(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x)
                }
                """);
        assertEquals(List.of("f.0.weight[4x6]", "f.0.bias[1x4]", "g.0.bias[1x6]"), paramNames(g));
        assertEquals(
                List.of(
                        new Input(0, 6),
                        new Dense(1, 0, 0, 1, false, 4),
                        new Activate(2, 1, Activation.SIGMOID, 4),
                        new Dense(3, 2, 0, 2, true, 6),
                        new Activate(4, 3, Activation.SIGMOID, 6)),
                g.nodes());
        // bernoulli_nll on the pre-sigmoid logits; the closed-form contractive term on the code
        assertEquals(List.of(new BernoulliNll(1, 0, 3), new Contractive(0.1, 2, 0, Activation.SIGMOID)), g.objective());
        assertEquals("line 2: input x[6]", g.nodeOrigin(0));
        assertEquals("line 3: dense 4 sigmoid", g.nodeOrigin(1));
        assertEquals("line 3: dense 4 sigmoid", g.nodeOrigin(2));
        assertEquals("line 4: decoder g tied (mirrors dense 4 sigmoid)", g.nodeOrigin(3));
        assertEquals("line 6: jacobian_frobenius(f, x)", g.termOrigin(1));
    }

    @Test
    void deepTiedDecoderMirrorsTheEncoderWithItsOwnBiases() {
        Graph g = lower("""
                model t {
                  input x[8]
                  encoder enc { dense 5 relu; dense 3 tanh }
                  decoder dec tied
                  minimize mse(x, dec(enc(x)))
                }
                """);
        assertEquals(
                List.of(
                        "enc.0.weight[5x8]",
                        "enc.0.bias[1x5]",
                        "enc.1.weight[3x5]",
                        "enc.1.bias[1x3]",
                        "dec.0.bias[1x5]",
                        "dec.1.bias[1x8]"),
                paramNames(g));
        // dec.0 uses enc.1's weight transposed (3 -> 5) then the relu of the encoder's first layer; dec.1 uses enc.0's
        assertEquals(new Dense(5, 4, 2, 4, true, 5), g.node(5));
        assertEquals(new Activate(6, 5, Activation.RELU, 5), g.node(6));
        assertEquals(new Dense(7, 6, 0, 5, true, 8), g.node(7));
        assertEquals(8, g.nodes().size()); // no output activation: identity adds no node
        assertEquals(List.of(new Mse(1, 0, 7)), g.objective());
    }

    @Test
    void denoisingWithNestedCorruptionAndBothApplicationsOfTheEncoder() {
        Graph g = lower("""
                model dae {
                  input x[6]
                  encoder f { dense 3 relu }
                  decoder g { dense 6 sigmoid }
                  corrupt x~ = masking(gaussian(x, sigma: 0.2), p: 0.5)
                  code h = f(x~)
                  minimize mse(x, g(f(x~))) + 0.5 * mse(x, g(f(x))) + 0.01 * l1(h) + 1e-4 * weight_decay()
                }
                """);
        assertEquals(List.of("f.0.weight[3x6]", "f.0.bias[1x3]", "g.0.weight[6x3]", "g.0.bias[1x6]"), paramNames(g));
        assertEquals(
                new Corrupt(1, 0, new Corruption.Then(new Corruption.Gaussian(0.2), new Corruption.Masking(0.5)), 6),
                g.node(1));
        // f(x~) = h (nodes 2, 3), g(h) (4, 5); then f(x) (6, 7) sharing f's parameters, and g(f(x)) (8, 9)
        assertEquals(new Dense(2, 1, 0, 1, false, 3), g.node(2));
        assertEquals(new Dense(4, 3, 2, 3, false, 6), g.node(4));
        assertEquals(new Dense(6, 0, 0, 1, false, 3), g.node(6));
        assertEquals(new Dense(8, 7, 2, 3, false, 6), g.node(8));
        assertEquals(10, g.nodes().size());
        assertEquals(
                List.of(new Mse(1, 0, 5), new Mse(0.5, 0, 9), new L1(0.01, 3), new WeightDecay(1e-4)), g.objective());
        assertEquals("line 5: corrupt x~ = masking(gaussian(x, sigma: 0.2), p: 0.5)", g.nodeOrigin(1));
    }

    @Test
    void noiseBeforeTheCodeTakesTheFinalValueOfARamp() {
        Graph g = lower("""
                model hash {
                  input x[6]
                  encoder f { dense 5 relu; dense 3 sigmoid }
                  decoder g { dense 6 sigmoid }
                  noise before h = gaussian(sigma: ramp(start: 0, end: 8))
                  minimize bernoulli_nll(x, g(h))
                }
                """);
        assertEquals(new AddNoise(4, 3, 8.0, 3), g.node(4));
        assertEquals(new Activate(5, 4, Activation.SIGMOID, 3), g.node(5));
        assertEquals(List.of(new BernoulliNll(1, 0, 6)), g.objective());
        assertEquals("line 5: noise before h = gaussian(sigma: ramp(start: 0, end: 8))", g.nodeOrigin(4));
    }

    @Test
    void freeCodeIsAVariableInitialisedAtTheEncoderOutput() {
        Graph g = lower("""
                model psd {
                  input x[6]
                  encoder f { dense 3 tanh }
                  decoder g { dense 6 identity }
                  free code h { steps: 7, lr: 0.05 }
                  minimize mse(x, g(h)) + 0.5 * l1(h) + mse(h, f(x))
                }
                """);
        assertEquals(new FreeCode(3, 2, 7, 0.05, 3), g.node(3));
        assertEquals(new Dense(4, 3, 2, 3, false, 6), g.node(4));
        assertEquals(List.of(new Mse(1, 0, 4), new L1(0.5, 3), new Mse(1, 3, 2)), g.objective());
        assertEquals(g.node(3), g.freeCode());
    }

    @Test
    void categoricalDecoderUsesThePreSoftmaxLogitsAndKlSparsityTheCode() {
        Graph g = lower("""
                model cat {
                  input x[6]
                  encoder f { dense 4 sigmoid }
                  decoder g { dense 6 softmax }
                  output categorical
                  minimize categorical_nll(x, g(h)) + 0.1 * kl_sparsity(h, rho: 0.05)
                }
                """);
        assertEquals(new Softmax(4, 3, 6), g.node(4));
        assertEquals(List.of(new CategoricalNll(1, 0, 3), new KlSparsity(0.1, 2, 0.05)), g.objective());
    }

    @Test
    void deepEncoderGetsTheStochasticJacobianEstimate() {
        Graph g = lower("""
                model pen {
                  input x[6]
                  encoder f { dense 4 sigmoid; dense 2 sigmoid }
                  decoder g { dense 6 sigmoid }
                  minimize mse(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x)
                }
                """);
        // code f(x): 1..4, g: 5..6, probe: 7, f(x + sigma eps): 8..11
        assertEquals(new Probe(7, 0, Lowering.PROBE_SIGMA, 6), g.node(7));
        assertEquals(new Dense(8, 7, 0, 1, false, 4), g.node(8));
        assertEquals(new Dense(10, 9, 2, 3, false, 2), g.node(10));
        assertEquals(12, g.nodes().size());
        JacobianEstimate je =
                assertInstanceOf(JacobianEstimate.class, g.objective().get(1));
        assertEquals(new JacobianEstimate(0.1, 11, 4, Lowering.PROBE_SIGMA), je);
        assertEquals("line 5: jacobian_frobenius(f, x)", g.nodeOrigin(7));
    }

    @Test
    void aScheduleWithoutAValueOfItsOwnIsReported() {
        // The checker rejects it now (with the line and a caret), so lowering never sees it.
        var r = ae4j.dsl.check.FrontEnd.check("hash.ae", """
                model hash {
                  input x[6]
                  encoder f { dense 3 sigmoid }
                  decoder g { dense 6 sigmoid }
                  noise before h = gaussian(sigma: cosine())
                  minimize bernoulli_nll(x, g(h))
                }
                """);
        assertTrue(r.diagnostics().hasErrors());
        assertTrue(
                r.diagnostics().render().contains("not cosine(...)"),
                r.diagnostics().render());
    }

    @Test
    void generatedSourceCarriesTheDslLines() {
        Graph g = lower("""
                model dae {
                  input x[6]
                  encoder f { dense 3 relu }
                  decoder g { dense 6 sigmoid }
                  corrupt x~ = gaussian(x, sigma: 0.1)
                  minimize mse(x, g(f(x~)))  # eq 14.9
                }
                """);
        String src = JavaEmitter.emit(g, "p");
        for (String s : List.of(
                "// line 2: input x[6]",
                "// line 3: dense 3 relu",
                "// line 4: dense 6 sigmoid",
                "// line 5: corrupt x~ = gaussian(x, sigma: 0.1)",
                "// line 6: mse(x, g(f(x~)))")) {
            assertTrue(src.contains(s), s + " missing in\n" + src);
        }
        assertNotNull(g.nodeOrigin(0));
        Param w = g.params().get(0);
        assertEquals("f.0.weight", w.name());
    }

    /** 64-layer encoder and decoder, corruption, code noise and k stochastic Jacobian penalties. */
    private static String deepest(int penalties) {
        String encoder = "dense 4 relu; ".repeat(63) + "dense 3 sigmoid";
        String decoder = "dense 4 relu; ".repeat(63) + "dense 4 sigmoid";
        return "model m {\n  input x[4]\n  corrupt x~ = gaussian(x, sigma: 0.1)\n  encoder f { " + encoder + " }\n"
                + "  noise before h = gaussian(sigma: 0.1)\n  decoder g { " + decoder + " }\n"
                + "  minimize mse(x, g(f(x~)))" + " + 0.1 * jacobian_frobenius(f, x)".repeat(penalties) + "\n}\n"
                + "save m to \"m.safetensors\"\n";
    }

    /** The largest model inside the operation limit compiles and runs a step; one past it is a clear error. */
    @Test
    void theOperationLimitKeepsGeneratedMethodsCompilable() {
        Graph inside = lower(deepest(3));
        assertTrue(inside.nodes().size() <= Lowering.MAX_NODES, inside.nodes().size() + " operations");
        assertTrue(
                inside.nodes().size() > Lowering.MAX_NODES - 100,
                "near the limit: " + inside.nodes().size());
        ae4j.dsl.runtime.CompiledModel m = GeneratedCodeTest.instantiate(inside, 4);
        assertTrue(Double.isFinite(m.forwardBackward(new float[16], 4, 1, 0)));
        Lowering.LoweringException e = org.junit.jupiter.api.Assertions.assertThrows(
                Lowering.LoweringException.class, () -> lower(deepest(4)));
        assertTrue(
                e.getMessage().startsWith("model 'm' lowers to 1,031 operations; ae4j compiles models of up to 1,000"),
                e.getMessage());
    }
}
