package ae4j.bench;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.runtime.CompiledModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The models of {@code ae4j bench compare}, as .ae source (the PyTorch side, bench/python/compare_torch.py,
 * declares the same architectures; the harness checks that both sides compute the same objective on the
 * same weights), and what the harness needs to know about them: how to build the compiled class, the
 * multiply-add work per example and the dense layers (the encode-only row runs the generated class's
 * {@code encode}; the GEMMs-alone figure times {@link #layers}' products through {@link StepGemms}).
 */
final class CompareModels {

    static final String SOURCE = """
            model mid {
              input x[784]
              encoder f { dense 256 relu; dense 64 sigmoid }
              decoder g { dense 256 relu; dense 784 sigmoid }
              output bernoulli
              minimize bernoulli_nll(x, g(f(x)))
            }

            model deep {
              input x[784]
              encoder f { dense 1000 sigmoid; dense 500 sigmoid; dense 250 sigmoid; dense 30 linear }
              decoder g { dense 250 sigmoid; dense 500 sigmoid; dense 1000 sigmoid; dense 784 sigmoid }
              output bernoulli
              minimize bernoulli_nll(x, g(f(x)))
            }

            model dae {
              input x[784]
              encoder f { dense 256 relu; dense 64 sigmoid }
              decoder g { dense 256 relu; dense 784 sigmoid }
              output bernoulli
              corrupt x~ = gaussian(x, sigma: 0.3)
              minimize bernoulli_nll(x, g(f(x~)))
            }

            model cae {
              input x[784]
              encoder f { dense 512 sigmoid }
              decoder g tied
              output bernoulli
              minimize bernoulli_nll(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x)
            }
            """;

    /** Model names in table order. */
    static final List<String> NAMES = List.of("mid", "deep", "dae", "cae");

    /** One-line descriptions for the table. */
    static String label(String name) {
        return switch (name) {
            case "mid" -> "mid 784-256-64-256-784";
            case "deep" -> "deep 784-1000-500-250-30-...-784";
            case "dae" -> "dae (mid, gaussian 0.3)";
            case "cae" -> "cae tied 784-512, 0.1 J";
            default -> name;
        };
    }

    private static volatile ae4j.dsl.check.CheckedProgram checked;

    static CheckedModel checked(String name) {
        if (checked == null) {
            FrontEnd.Result r = FrontEnd.check("bench-compare.ae", SOURCE);
            if (!r.ok() || r.checked() == null) {
                throw new IllegalStateException("ae4j bug: the comparison's models do not check:\n"
                        + r.diagnostics().render());
            }
            checked = r.checked();
        }
        CheckedModel m = checked.model(name);
        if (m == null)
            throw new IllegalArgumentException(
                    "unknown model '" + name + "' (models: " + String.join(", ", NAMES) + ")");
        return m;
    }

    /** The generated class of a model (compiled, or loaded from the compiler's class cache), for maxBatch rows, initialised from seed. */
    static CompiledModel compile(String name, int maxBatch, ModelCompiler compiler, long seed) {
        return ModelBuilder.generated(compiler)
                .build(checked(name), maxBatch, seed)
                .model();
    }

    /** Every dense layer the model applies to an example, encoder then decoder (a tied decoder's mirrored ones too). */
    static List<LayerInfo> layers(String name) {
        CheckedModel m = checked(name);
        List<LayerInfo> out = new ArrayList<>(m.encoder().layers());
        if (m.decoder().tied()) {
            for (int i = m.encoder().layers().size() - 1; i >= 0; i--) {
                LayerInfo l = m.encoder().layers().get(i);
                out.add(new LayerInfo(l.kind(), l.out(), l.in(), l.activation()));
            }
        } else {
            out.addAll(m.decoder().layers());
        }
        return out;
    }

    /** The GEMMs of one training step of the model at this batch, to be timed alone. */
    static StepGemms stepGemms(String name, int batch) {
        return StepGemms.of(layers(name), batch, checked(name).decoder().tied());
    }

    /**
     * Floating-point operations of one training example's GEMMs, counted the same way for both sides: per
     * dense layer in x out, 2 in out forward, 2 in out for the weight gradient and 2 in out for the input
     * gradient, except for the first layer (no gradient with respect to the data). Elementwise work, the
     * optimizer and the contractive penalty (per batch, not per example) are not counted.
     */
    static double trainFlopsPerExample(String name) {
        List<LayerInfo> ls = layers(name);
        double f = 0;
        for (int i = 0; i < ls.size(); i++) {
            double mac = (double) ls.get(i).in() * ls.get(i).out();
            f += (i == 0 ? 4 : 6) * mac;
        }
        return f;
    }

    /** Floating-point operations of the encoder's GEMMs for one example (2 in out per layer). */
    static double encodeFlopsPerExample(String name) {
        double f = 0;
        for (LayerInfo l : checked(name).encoder().layers()) f += 2.0 * l.in() * l.out();
        return f;
    }

    private CompareModels() {}
}
