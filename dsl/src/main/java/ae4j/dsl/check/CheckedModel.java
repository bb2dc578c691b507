package ae4j.dsl.check;

import java.util.List;
import java.util.Map;

/**
 * A model after checking: every name resolved, every size known, every argument bound and defaulted.
 * This is what the compiler consumes. Argument maps keep parameter order; an optional parameter whose
 * default is "none" is absent from its map. Numbers are {@link Double}, integer parameters {@link Integer},
 * strings and words {@link String}, booleans {@link Boolean}, calls {@link Call}, model expressions {@link MExpr}.
 *
 * @param input         the data x: its name, its dimensions as declared and their product
 * @param encoder       the encoder f: its name and layers
 * @param code          the code h: its name, size and what it is ({@code f(x)} by default, or {@code f(x~)})
 * @param decoder       the decoder g ({@link Decoder#NONE} when the model has none); for a tied decoder, the
 *                      mirrored layers (weights W^T of the encoder's)
 * @param output        the output distribution p_decoder(x | h) with its arguments, or null when not declared
 * @param corruption    the corruption process C(x~ | x), or null
 * @param noiseBeforeCode the noise process on the code's pre-activation ({@code gaussian} with {@code sigma}), or null
 * @param freeCode      the steps on the code when it is a free variable (14.19), or null
 * @param objective     the objective as a sum of weighted loss terms
 * @param origins       where declarations come from, for comments in generated code: keys {@code input},
 *                      {@code decoder}, {@code code}, {@code corrupt}, {@code noise}, {@code free}, {@code minimize}
 *                      map to "line N: source text" (absent when not declared or unknown)
 */
public record CheckedModel(
        String name,
        Input input,
        Encoder encoder,
        Code code,
        Decoder decoder,
        Call output,
        Corruption corruption,
        Call noiseBeforeCode,
        FreeCode freeCode,
        List<Term> objective,
        Map<String, String> origins) {

    public CheckedModel {
        decoder = decoder == null ? Decoder.NONE : decoder;
        objective = List.copyOf(objective);
        origins = origins == null ? Map.of() : Map.copyOf(origins);
    }

    /** The data x: {@code x[28, 28]} has dims [28, 28] and size 784. */
    public record Input(String name, List<Integer> dims, int size) {
        public Input {
            dims = List.copyOf(dims);
        }
    }

    /** The encoder f and its layers, input to code. */
    public record Encoder(String name, List<LayerInfo> layers) {
        public Encoder {
            layers = List.copyOf(layers);
        }

        /** The last layer's nonlinearity: the code's. */
        public Nonlinearity codeActivation() {
            return layers.isEmpty() ? null : layers.get(layers.size() - 1).activation();
        }
    }

    /** The code h: its size, and what it is ({@code f(x)} or {@code f(x~)}). */
    public record Code(String name, int size, MExpr value) {}

    /** The decoder g and its layers, code to input; {@code tied} when it mirrors the encoder's weights. */
    public record Decoder(String name, boolean tied, List<LayerInfo> layers) {
        /** A model without a decoder. */
        public static final Decoder NONE = new Decoder(null, false, List.of());

        public Decoder {
            layers = List.copyOf(layers);
        }

        /** Whether the model has a decoder. */
        public boolean exists() {
            return name != null;
        }
    }

    /** The origin of a declaration ("line 7: corrupt x~ = ..."), or null. */
    public String origin(String key) {
        return origins.get(key);
    }

    /**
     * A layer with its sizes: {@code dense} from {@code in} to {@code out} units, then the activation;
     * {@code origin} is "line N: dense 256 relu" (null when unknown).
     */
    public record LayerInfo(LayerKind kind, int in, int out, Nonlinearity activation, String origin) {
        public LayerInfo(LayerKind kind, int in, int out, Nonlinearity activation) {
            this(kind, in, out, activation, null);
        }

        /** The origin is where the layer was written, not what it is: equality ignores it. */
        @Override
        public boolean equals(Object o) {
            return o instanceof LayerInfo l
                    && kind == l.kind
                    && in == l.in
                    && out == l.out
                    && activation == l.activation;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, in, out, activation);
        }
    }

    /** A free code (predictive sparse decomposition, 14.19): {@code steps} gradient steps of size {@code lr} on h. */
    public record FreeCode(int steps, double lr) {}

    /** A built-in applied to resolved, defaulted arguments: {@code adam(lr: 0.001, beta1: 0.9, ...)}. */
    public record Call(String name, Map<String, Object> args) {
        public Call {
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }

        @Override
        public String toString() {
            return name + args;
        }
    }

    /**
     * A corruption process: {@code kind} (gaussian, masking, salt_pepper) applied to {@code inner}, which is
     * null for the clean input; {@code args} are its other arguments (sigma or p).
     */
    public record Corruption(CorruptionKind kind, Corruption inner, Map<String, Object> args) {
        public Corruption {
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }
    }

    /**
     * One term of the objective: {@code weight * loss(args)}; args map parameter names to MExpr or numbers;
     * {@code origin} is "line N: l1(h)" (null when unknown).
     */
    public record Term(double weight, Loss loss, Map<String, Object> args, String origin) {
        public Term {
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }

        public Term(double weight, Loss loss, Map<String, Object> args) {
            this(weight, loss, args, null);
        }

        /** The origin is where the term was written, not what it is: equality ignores it. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Term t
                    && Double.compare(weight, t.weight) == 0
                    && loss == t.loss
                    && args.equals(t.args);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(weight, loss, args);
        }
    }

    /** Model expressions: the values a loss can compare. */
    public sealed interface MExpr {
        /** The clean input x. */
        record Input(String name) implements MExpr {
            @Override
            public String toString() {
                return name;
            }
        }

        /** The corrupted input x~. */
        record Corrupted(String name) implements MExpr {
            @Override
            public String toString() {
                return name + "~";
            }
        }

        /** The code h (a free variable under {@code free code}). */
        record Code(String name) implements MExpr {
            @Override
            public String toString() {
                return name;
            }
        }

        /** The encoder applied: f(arg). */
        record Encode(String encoder, MExpr arg) implements MExpr {
            @Override
            public String toString() {
                return encoder + "(" + arg + ")";
            }
        }

        /** The decoder applied: g(arg). */
        record Decode(String decoder, MExpr arg) implements MExpr {
            @Override
            public String toString() {
                return decoder + "(" + arg + ")";
            }
        }

        /** The encoder as a function (jacobian_frobenius(f, x)). */
        record Function(String name) implements MExpr {
            @Override
            public String toString() {
                return name;
            }
        }
    }
}
