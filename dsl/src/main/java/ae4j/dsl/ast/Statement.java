package ae4j.dsl.ast;

import java.util.List;

/** Top-level statements. Each starts with a keyword. */
public sealed interface Statement extends Node {

    /**
     * {@code data train = idx("...") scale 1/255 take 1000}, or {@code data (fit, val) = split(train, 0.9)}
     * (several names, no transforms).
     */
    record DataDecl(List<Name> names, DataSource source, List<Transform> transforms, Span span) implements Statement {
        public DataDecl {
            names = List.copyOf(names);
            transforms = List.copyOf(transforms);
        }
    }

    /** {@code model dae { input x[784] encoder f {...} ... minimize ... }}. */
    record ModelDecl(Name name, List<ModelItem> items, Span span) implements Statement {
        public ModelDecl {
            items = List.copyOf(items);
        }
    }

    /** {@code train dae on train { epochs: 10, optimizer: adam(lr: 1e-3) }}. */
    record Train(Name model, Name data, List<Arg> args, Span span) implements Statement {
        public Train {
            args = List.copyOf(args);
        }
    }

    /** {@code evaluate dae on test { reconstruction, score_field(grid: 20) }}; verb is evaluate or analyze. */
    record Analyze(String verb, Name model, Name data, List<Analysis> analyses, Span span) implements Statement {
        public Analyze {
            analyses = List.copyOf(analyses);
        }
    }

    /** {@code save dae to "dae.safetensors"}. */
    record Save(Name model, Expr.Str path, Span span) implements Statement {}

    /** {@code load dae from "dae.safetensors"}. */
    record Load(Name model, Expr.Str path, Span span) implements Statement {}

    /**
     * {@code export dae to "dae.onnx" as onnx}, or {@code export dae.f to "f.onnx"} for one part (the encoder or
     * decoder of that name); part and format may be null (the whole model; the format inferred from the
     * extension).
     */
    record Export(Name model, Name part, Expr.Str path, Name format, Span span) implements Statement {}
}
