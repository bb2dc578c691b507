package ae4j.dsl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.syntax.Diagnostic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckerTest {

    private static final String DAE = """
            data train = idx("fashion-mnist/train-images-idx3-ubyte.gz") scale 1/255
            data test  = idx("fashion-mnist/t10k-images-idx3-ubyte.gz")  scale 1/255

            model dae {
              input x[784]
              encoder f { dense 256 relu; dense 64 sigmoid }
              decoder g { dense 256 relu; dense 784 sigmoid }
              corrupt x~ = gaussian(x, sigma: 0.3)
              minimize bernoulli_nll(x, g(f(x~))) + 1e-4 * l1(h)
            }

            train dae on train { epochs: 10, batch: 128, optimizer: adam(lr: 1e-3), seed: 7 }
            evaluate dae on test { reconstruction, score_field, jacobian_spectrum }
            """;

    private static List<String> messages(String source) {
        return FrontEnd.check("t.ae", source).diagnostics().all().stream()
                .map(Diagnostic::message)
                .toList();
    }

    private static String model(String encoder, String decoder) {
        return "data d = two_moons()\nmodel m {\n  input x[784]\n  encoder f { " + encoder + " }\n  decoder g { "
                + decoder + " }\n  minimize mse(x, g(f(x)))\n}\ntrain m on d\n";
    }

    // ------------------------------------------------------------- numbers and paths a run would fail on

    /** Models compute in float: a number beyond its range would become infinity in the generated code. */
    @Test
    void numbersBeyondTheFloatRangeAreErrorsWhereTheyAreWritten() {
        String base =
                "data d = two_moons()\nmodel m {\n  input x[2]\n  encoder f { dense 2 tanh }\n  decoder g { dense 2 }\n"
                        + "  corrupt x~ = gaussian(x, sigma: SIGMA)\n  minimize mse(x, g(f(x~))) + WEIGHT * l2(f(x))\n}\ntrain m on d\n";
        assertEquals(List.of(), messages(base.replace("SIGMA", "0.3").replace("WEIGHT", "0.01")));
        assertEquals(
                List.of("sigma must lie within the float range (about -3.4e38 to 3.4e38), got 1e40"),
                messages(base.replace("SIGMA", "1e40").replace("WEIGHT", "0.01")));
        assertEquals(
                List.of("the weight of this term is Infinity, beyond the float range (about 3.4e38)"),
                messages(base.replace("SIGMA", "0.3").replace("WEIGHT", "1e999")));
        assertEquals(
                List.of("the weight of this term is 1.0E39, beyond the float range (about 3.4e38)"),
                messages(base.replace("SIGMA", "0.3").replace("WEIGHT", "1e39")));
    }

    /** A layer whose weights would not fit in one Java array is an error at its size, not a crash at run time. */
    @Test
    void aLayerTooLargeForAnArrayIsAnError() {
        assertEquals(
                List.of(
                        "a dense layer from 784 to 3,000,000 units has 2,352,000,000 weights, more than one Java array"
                                + " holds (2,147,483,639); use fewer units",
                        "a dense layer from 3,000,000 to 784 units has 2,352,000,000 weights, more than one Java array"
                                + " holds (2,147,483,639); use fewer units"),
                messages(model("dense 3000000 relu", "dense 784 sigmoid")));
    }

    /** An empty path is found before training, not after it (when the trained model could no longer be saved). */
    @Test
    void emptyPathsAreErrors() {
        String base = model("dense 8 sigmoid", "dense 784 sigmoid");
        assertEquals(List.of("save needs a file path, got an empty one"), messages(base + "save m to \"\"\n"));
        assertEquals(
                List.of("export needs a file path, got an empty one"), messages(base + "export m to \"  \" as csv\n"));
        assertEquals(List.of("load needs a file path, got an empty one"), messages(base + "load m from \"\"\n"));
    }

    // ------------------------------------------------------------- did you mean

    @Test
    void didYouMeanPicksTheClosestName() {
        assertEquals(Optional.of("relu"), Names.suggest("rleu", Builtins.names(Builtins.Kind.ACTIVATION)));
        assertEquals(Optional.of("sigmoid"), Names.suggest("sigmiod", Builtins.names(Builtins.Kind.ACTIVATION)));
        assertEquals(
                Optional.of("jacobian_frobenius"),
                Names.suggest("jacobian_frobenious", Builtins.names(Builtins.Kind.LOSS)));
        assertEquals(Optional.of("adam"), Names.suggest("Adam", Builtins.names(Builtins.Kind.OPTIMIZER)));
        assertEquals(Optional.empty(), Names.suggest("banana", Builtins.names(Builtins.Kind.ACTIVATION)));
        assertEquals(1, Names.distance("rleu", "relu"));
        assertEquals(3, Names.distance("kitten", "sitting"));
    }

    @Test
    void unknownNamesSuggestAndPointAtTheName() {
        var r = FrontEnd.check("t.ae", DAE.replace("dense 64 sigmoid", "dense 64 sigmod"));
        Diagnostic d = r.diagnostics().all().get(0);
        assertEquals("unknown activation 'sigmod'; did you mean 'sigmoid'?", d.message());
        assertEquals(6, d.span().line());
        assertEquals(40, d.span().col());
        assertEquals(46, d.span().endCol());
        assertTrue(r.diagnostics().render().contains("^^^^^^"));
    }

    // ------------------------------------------------------------- argument binding

    @Test
    void bindsPositionalAndNamedArgumentsWithDefaults() {
        var r = FrontEnd.check("t.ae", DAE.replace("adam(lr: 1e-3)", "adam(0.002, beta2: 0.99)"));
        assertTrue(r.ok(), r.diagnostics().render());
        var train = (CheckedProgram.Step.Train) r.checked().steps().get(0);
        var opt = (CheckedModel.Call) train.options().values().get("optimizer");
        assertEquals("adam", opt.name());
        assertEquals(Map.of("lr", 0.002, "beta1", 0.9, "beta2", 0.99, "eps", 1e-8), opt.args());
        assertEquals(
                List.of("lr", "beta1", "beta2", "eps"), List.copyOf(opt.args().keySet()));
        assertEquals(10, train.options().values().get("epochs"));
        assertEquals(7, train.options().values().get("seed"));
        assertEquals(0.0, train.options().values().get("validation"));
        assertEquals("backprop", train.options().values().get("algorithm"));
        assertEquals("constant", ((CheckedModel.Call) train.options().values().get("schedule")).name());
        assertFalse(train.options().values().containsKey("threads")); // default none
    }

    @Test
    void argumentErrorsAreReportedTogether() {
        assertEquals(
                List.of(
                        "duplicate argument 'lr' of adam",
                        "unknown argument 'bta1' of adam; did you mean 'beta1'?",
                        "a positional argument cannot follow a named one"),
                messages(DAE.replace("adam(lr: 1e-3)", "adam(lr: 1e-3, lr: 2, bta1: 0.9, 0.1)")));
        assertEquals(
                List.of("adam takes at most 4 arguments, got 5"),
                messages(DAE.replace("adam(lr: 1e-3)", "adam(1, 0.5, 0.5, 1, 2)")));
        assertEquals(List.of("sigma must be > 0, got -0.3"), messages(DAE.replace("sigma: 0.3", "sigma: -0.3")));
        assertEquals(
                List.of("missing required argument 'sigma' of gaussian"), messages(DAE.replace(", sigma: 0.3", "")));
        assertEquals(List.of("sigma must be a number, got 'x'"), messages(DAE.replace("sigma: 0.3", "sigma: x")));
    }

    // ------------------------------------------------------------- shapes

    @Test
    void symmetricShapesPass() {
        var r = FrontEnd.check("t.ae", model("dense 256 relu; dense 64 sigmoid", "dense 256 relu; dense 784 sigmoid"));
        assertTrue(r.ok(), r.diagnostics().render());
        CheckedModel m = r.checked().model("m");
        assertEquals(
                List.of(
                        new CheckedModel.LayerInfo(LayerKind.DENSE, 784, 256, Nonlinearity.RELU),
                        new CheckedModel.LayerInfo(LayerKind.DENSE, 256, 64, Nonlinearity.SIGMOID)),
                m.encoder().layers());
        assertEquals(
                List.of(
                        new CheckedModel.LayerInfo(LayerKind.DENSE, 64, 256, Nonlinearity.RELU),
                        new CheckedModel.LayerInfo(LayerKind.DENSE, 256, 784, Nonlinearity.SIGMOID)),
                m.decoder().layers());
    }

    @Test
    void decoderInputMustBeTheCodeSize() {
        assertEquals(
                List.of("the decoder's input is 64 but the code h has size 32"),
                messages(model("dense 256 relu; dense 32 sigmoid", "dense 128 relu (in: 64); dense 784 sigmoid")));
        assertTrue(FrontEnd.check(
                        "t.ae", model("dense 256 relu; dense 32", "dense 128 relu (in: 32); dense 784 (in: 128)"))
                .ok());
    }

    @Test
    void decoderOutputMustBeTheInputSize() {
        assertEquals(
                List.of("the decoder ends with size 700 but the input x has size 784"),
                messages(model("dense 32", "dense 128 relu; dense 700")));
    }

    @Test
    void tiedDecoderMirrorsTheEncoder() {
        var r = FrontEnd.check("t.ae", """
                data d = two_moons()
                model m {
                  input x[784]
                  encoder f { dense 256 relu; dense 64 tanh }
                  decoder g tied
                  output bernoulli
                  minimize bernoulli_nll(x, g(f(x)))
                }
                train m on d
                """);
        assertTrue(r.ok(), r.diagnostics().render());
        CheckedModel m = r.checked().model("m");
        assertTrue(m.decoder().tied());
        assertEquals(
                List.of(
                        new CheckedModel.LayerInfo(LayerKind.DENSE, 64, 256, Nonlinearity.RELU),
                        new CheckedModel.LayerInfo(LayerKind.DENSE, 256, 784, Nonlinearity.SIGMOID)),
                m.decoder().layers());
    }

    @Test
    void expressionSizesAreChecked() {
        assertEquals(
                List.of("g takes an input of size 32, got x of size 784"),
                messages(model("dense 32", "dense 784").replace("mse(x, g(f(x)))", "mse(x, g(x))")));
        assertEquals(
                List.of("mse compares vectors of different sizes: x has size 784, h has size 32"),
                messages(model("dense 32", "dense 784").replace("mse(x, g(f(x)))", "mse(x, h)")));
    }

    // ------------------------------------------------------------- the resolved model

    @Test
    void designSketchChecksCleanAndResolves() {
        FrontEnd.Result r = FrontEnd.check("dae.ae", DAE);
        assertTrue(r.ok());
        assertEquals("", r.diagnostics().render());
        assertNotNull(r.program());
        CheckedProgram p = r.checked();
        CheckedModel m = p.model("dae");
        assertEquals("x", m.input().name());
        assertEquals(784, m.input().size());
        assertEquals(List.of(784), m.input().dims());
        assertEquals("f", m.encoder().name());
        assertEquals("h", m.code().name());
        assertEquals(64, m.code().size());
        assertEquals(new MExpr.Encode("f", new MExpr.Input("x")), m.code().value());
        assertEquals("g", m.decoder().name());
        assertFalse(m.decoder().tied());
        assertNull(m.output());
        assertEquals(new CheckedModel.Corruption(CorruptionKind.GAUSSIAN, null, Map.of("sigma", 0.3)), m.corruption());
        assertNull(m.noiseBeforeCode());
        assertNull(m.freeCode());
        assertEquals(2, m.objective().size());
        CheckedModel.Term nll = m.objective().get(0);
        assertEquals(1.0, nll.weight());
        assertEquals(Loss.BERNOULLI_NLL, nll.loss());
        assertEquals(new MExpr.Input("x"), nll.args().get("x"));
        assertEquals(
                new MExpr.Decode("g", new MExpr.Encode("f", new MExpr.Corrupted("x"))),
                nll.args().get("r"));
        CheckedModel.Term l1 = m.objective().get(1);
        assertEquals(1e-4, l1.weight(), 1e-15);
        assertEquals(Map.of("h", new MExpr.Code("h")), l1.args());

        CheckedProgram.DataSet train = p.dataSet("train");
        assertEquals("idx", train.source().name());
        assertEquals(
                "fashion-mnist/train-images-idx3-ubyte.gz",
                train.source().args().get("path"));
        assertEquals(1.0 / 255, (Double) train.transforms().get(0).args().get("factor"), 1e-15);

        var eval = (CheckedProgram.Step.Analyze) p.steps().get(1);
        assertEquals(
                List.of("reconstruction", "score_field", "jacobian_spectrum"),
                eval.analyses().stream().map(CheckedModel.Call::name).toList());
        assertEquals(Map.of("grid", 20, "sigma", 0.3), eval.analyses().get(1).args());
        assertEquals(16, eval.analyses().get(0).args().get("images"));
    }

    @Test
    void objectiveWeightsAndSigns() {
        var r = FrontEnd.check(
                "t.ae",
                model("dense 32 sigmoid", "dense 784")
                        .replace("mse(x, g(f(x)))", "mse(x, g(h)) - l1(h) / 4 + 2 * (0.5 * l2(h))"));
        assertTrue(r.ok(), r.diagnostics().render());
        List<Double> weights = r.checked().model("m").objective().stream()
                .map(CheckedModel.Term::weight)
                .toList();
        assertEquals(List.of(1.0, -0.25, 1.0), weights);
    }

    @Test
    void everyStatementResolves() {
        var r = FrontEnd.check("t.ae", """
                data all = two_moons(n: 100)
                data (a, b) = split(all, 0.8)
                model m {
                  input x[2]
                  encoder f { dense 1 }
                  decoder g { dense 2 }
                  minimize mse(x, g(f(x)))
                }
                train m on a { validation: b }
                save m to "m.safetensors"
                export m to "m.csv"
                export m to "m.onnx"
                export m.f to "f.onnx"
                export m.g to "g.model" as onnx
                export m.f to "encoder"
                """);
        assertTrue(r.ok(), r.diagnostics().render());
        CheckedProgram p = r.checked();
        assertEquals(0, p.dataSet("a").part());
        assertEquals(1, p.dataSet("b").part());
        assertEquals(
                Map.of("n", 100, "seed", 0, "noise", 0.0),
                p.dataSet("all").source().args());
        assertEquals(
                "b",
                ((CheckedProgram.Step.Train) p.steps().get(0))
                        .options()
                        .values()
                        .get("validation"));
        assertEquals(
                new CheckedProgram.Step.Export("m", "m.csv", "csv"), p.steps().get(2));
        assertEquals(
                new CheckedProgram.Step.Export("m", "m.onnx", "onnx", null),
                p.steps().get(3));
        assertEquals(
                new CheckedProgram.Step.Export("m", "f.onnx", "onnx", "f"),
                p.steps().get(4));
        assertEquals(
                new CheckedProgram.Step.Export("m", "g.model", "onnx", "g"),
                p.steps().get(5));
        assertEquals(
                new CheckedProgram.Step.Export("m", "encoder", "onnx", "f"),
                p.steps().get(6),
                "a part is onnx");
    }

    /** Greedy pretraining (14.3) needs an encoder-decoder stack; pretrain_epochs alone does nothing. */
    @Test
    void greedyPretrainingOptions() {
        String deep = model("dense 64 relu; dense 8", "dense 64 relu; dense 784 sigmoid");
        var ok = FrontEnd.check(
                "t.ae", deep.replace("train m on d\n", "train m on d { pretrain: greedy, pretrain_epochs: 2 }\n"));
        assertTrue(ok.ok(), ok.diagnostics().render());
        TrainOptions opts = ((CheckedProgram.Step.Train) ok.checked().steps().get(0)).options();
        assertTrue(opts.greedyPretraining());
        assertEquals(2, opts.pretrainEpochs());
        assertEquals(
                List.of("pretrain_epochs has no effect without pretrain: greedy"),
                messages(deep.replace("train m on d\n", "train m on d { pretrain_epochs: 2 }\n")));
        assertEquals(
                List.of(
                        "model 'm' has one encoder layer: greedy pretraining trains it as it is, then training continues end to end"),
                messages(model("dense 8 sigmoid", "dense 784 sigmoid")
                        .replace("train m on d\n", "train m on d { pretrain: greedy }\n")));
        List<String> psd = messages("""
                data d = spiral()
                model p {
                  input x[2]
                  encoder f { dense 8 tanh }
                  decoder g { dense 2 }
                  free code h { steps: 5, lr: 0.1 }
                  minimize mse(x, g(h)) + 0.5 * l1(h) + mse(h, f(x))
                }
                train p on d { pretrain: greedy }
                """);
        assertEquals(
                List.of("greedy pretraining trains encoder-decoder stacks layer by layer, but model 'p' has a free code"
                        + " (predictive sparse decomposition)"),
                psd);
    }

    // ------------------------------------------------------------- robustness

    @Test
    void neverThrowsOnOddInput() {
        String[] inputs = {
            "",
            "#",
            "model",
            "model m {",
            "data",
            "data (a) = x",
            "model m { input x[1e999] }",
            "\"",
            "'",
            "model m { input x[2] encoder f { dense 2 } minimize 1 / 0 * mse(x, x) }",
            "train",
            "evaluate m on d { }",
            "model m { minimize --mse(x, x) }",
            "data d = split(d, 0.5)",
            "data (a, b, c) = split(x, 2)",
            "model m { input x[2, -1] encoder { dense 0 } decoder tied decoder g { } }",
            "\u0000\u00ff"
        };
        for (String in : inputs) {
            FrontEnd.Result r = FrontEnd.check("t.ae", in);
            assertNotNull(r.diagnostics().render());
            for (Diagnostic d : r.diagnostics().all())
                assertFalse(d.message().contains("internal error"), in + ": " + d.message());
        }
    }

    @Test
    void registryIsQueryable() {
        var gaussian = Builtins.lookup(Builtins.Kind.CORRUPTION, "gaussian").orElseThrow();
        assertEquals("eq. 14.17", gaussian.book());
        assertEquals("gaussian(x: expression, sigma: positive)", gaussian.signature());
        assertTrue(Builtins.lookup(Builtins.Kind.DISTRIBUTION, "gaussian").isPresent());
        assertEquals(
                List.of("identity", "linear", "relu", "sigmoid", "tanh", "softplus", "softmax"),
                Builtins.names(Builtins.Kind.ACTIVATION));
        for (Builtins.Builtin b : Builtins.all()) assertFalse(b.doc().isBlank(), b.name());
    }
}
