package ae4j.dsl.check;

import java.util.List;
import java.util.Map;

/**
 * A model after checking: every name resolved, every size known, every argument bound and defaulted.
 * This is what the compiler consumes. Argument maps keep parameter order; an optional parameter whose
 * default is "none" is absent from its map. Numbers are {@link Double}, integer parameters {@link Integer},
 * strings and words {@link String}, booleans {@link Boolean}, calls {@link Call}, model expressions {@link MExpr}.
 *
 * @param inputDims     as declared ({@code x[28, 28]} is [28, 28]); {@code inputSize} is their product
 * @param codeValue     what the code is: {@code f(x)} by default, or {@code f(x~)}
 * @param decoder       the decoder's layers; for a tied decoder, the mirrored layers (weights W^T of the encoder's)
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
        String inputName,
        List<Integer> inputDims,
        int inputSize,
        String encoderName,
        List<LayerInfo> encoder,
        String codeName,
        int codeSize,
        MExpr codeValue,
        String decoderName,
        boolean tied,
        List<LayerInfo> decoder,
        Call output,
        Corruption corruption,
        Call noiseBeforeCode,
        FreeCode freeCode,
        List<Term> objective,
        Map<String, String> origins) {

    public CheckedModel {
        inputDims = List.copyOf(inputDims);
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
        objective = List.copyOf(objective);
        origins = origins == null ? Map.of() : Map.copyOf(origins);
    }

    /** Without origins. */
    public CheckedModel(
            String name,
            String inputName,
            List<Integer> inputDims,
            int inputSize,
            String encoderName,
            List<LayerInfo> encoder,
            String codeName,
            int codeSize,
            MExpr codeValue,
            String decoderName,
            boolean tied,
            List<LayerInfo> decoder,
            Call output,
            Corruption corruption,
            Call noiseBeforeCode,
            FreeCode freeCode,
            List<Term> objective) {
        this(
                name,
                inputName,
                inputDims,
                inputSize,
                encoderName,
                encoder,
                codeName,
                codeSize,
                codeValue,
                decoderName,
                tied,
                decoder,
                output,
                corruption,
                noiseBeforeCode,
                freeCode,
                objective,
                Map.of());
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
