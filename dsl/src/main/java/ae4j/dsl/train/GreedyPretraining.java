package ae4j.dsl.train;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedModel.LayerInfo;
import ae4j.dsl.check.CheckedModel.MExpr;
import ae4j.dsl.check.CheckedModel.Term;
import ae4j.dsl.check.LayerKind;
import ae4j.dsl.check.Loss;
import ae4j.dsl.check.Nonlinearity;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Forward;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Greedy layer-wise pretraining (section 14.3; Hinton and Salakhutdinov 2006 with RBMs, Bengio et al. 2007
 * and Vincent et al. 2010 with autoencoders): before a deep autoencoder is trained end to end, each encoder
 * layer is trained as the encoder of a shallow autoencoder whose input is the code of the layers below it,
 * and the pretrained layers initialise the deep model.
 *
 * <p>Level i (0-based) is an ordinary model of the language, built as a {@link CheckedModel} and compiled
 * through the usual {@link Lowering} and code generation: input the width of encoder layer i's input,
 * encoder that single layer, decoder a single layer back to the input width, with the deep model's names
 * ({@code x}, {@code x~}, {@code h}, {@code f}, {@code g}) so that its objective terms apply unchanged:
 * <ul>
 *   <li>Decoder: when the deep decoder mirrors the encoder (as many layers, decoder layer L-1-i maps encoder
 *       layer i's output size back to its input size), level i's decoder is that layer, activation
 *       included, and its pretrained weights initialise it too; a tied model stays tied. Otherwise each level
 *       has a temporary decoder (dropped after pretraining) ending in the activation of what it
 *       reconstructs: the deep decoder's last activation at level 0, encoder layer i-1's above.</li>
 *   <li>Objective: the deep model's terms. Reconstruction terms (those that decode) keep their loss at
 *       level 0; above it, a Bernoulli or categorical likelihood of codes that are not sigmoid outputs in
 *       [0, 1] becomes squared error. Terms on the code (such as {@code l1(h)}, {@code kl_sparsity(h)}) belong
 *       to the deep model's code only and are kept at the top level; contractive penalties
 *       ({@code jacobian_frobenius}) and weight decay apply at every level (Rifai et al. 2011 stack
 *       contractive layers this way).</li>
 *   <li>Corruption applies at every level, to that level's input, as in stacked denoising autoencoders
 *       (Vincent et al. 2010); noise before the code only at the top level.</li>
 * </ul>
 * Each level trains with the train statement's batch, optimizer, schedule, seed and clipping for
 * {@code pretrain_epochs} epochs, without validation or checkpoints; its input is the previous level's code
 * on the whole training set, evaluated without corruption.
 */
public final class GreedyPretraining {

    /** Watches each level's training (ae4j run shows a progress bar per level; tests pass none). */
    public interface LevelListener {
        /** The listener of one level's training, or null for none. */
        TrainingListener listener(Level level, String[] termNames);
    }

    /**
     * One level: its index (0 = next to the input), the shallow model, and where its parameters go in the
     * deep model (shallow name to deep name; a temporary decoder's parameters are absent).
     */
    public record Level(int index, CheckedModel shallow, Map<String, String> destinations, boolean keepsDecoder) {

        /** "784 -> 256 relu, decoder 256 -> 784 sigmoid (becomes g.2), mse". */
        public String describe() {
            LayerInfo e = shallow.encoder().layers().get(0);
            LayerInfo d = shallow.decoder().layers().get(0);
            List<String> losses = new ArrayList<>();
            for (Term t : shallow.objective()) losses.add(t.loss().word());
            return String.format(
                    Locale.ROOT,
                    "%d -> %d %s, decoder %s%d -> %d %s (%s), %s",
                    e.in(),
                    e.out(),
                    e.activation(),
                    shallow.decoder().tied() ? "tied " : "",
                    d.in(),
                    d.out(),
                    d.activation(),
                    keepsDecoder ? "becomes " + shallow.decoder().name() + "." + destinationLayer() : "temporary",
                    String.join(" + ", losses));
        }

        private String destinationLayer() {
            for (var en : destinations.entrySet()) {
                if (en.getKey().startsWith(shallow.decoder().name() + "."))
                    return en.getValue().split("\\.")[1];
            }
            return "?";
        }
    }

    /** How one level trained, and its trained shallow model. */
    public record LevelResult(Level level, Trainer.Result training, BuiltModel model) {}

    private GreedyPretraining() {}

    /**
     * The levels of {@code m}'s greedy pretraining, one per encoder layer.
     *
     * @throws IllegalArgumentException when the model cannot be pretrained this way (the message says why)
     */
    public static List<Level> plan(CheckedModel m) {
        if (m.freeCode() != null) {
            throw new IllegalArgumentException(
                    "model '" + m.name() + "' has a free code (predictive sparse decomposition);"
                            + " greedy pretraining applies to encoder-decoder stacks: remove pretrain: greedy");
        }
        if (m.decoder().layers().isEmpty()) {
            throw new IllegalArgumentException(
                    "model '" + m.name() + "' has no decoder; greedy pretraining trains each encoder"
                            + " layer as a shallow autoencoder and needs one");
        }
        int depth = m.encoder().layers().size();
        boolean mirrored = mirrors(m);
        if (m.decoder().tied() && !mirrored) {
            throw new IllegalArgumentException(
                    "model '" + m.name() + "': a tied decoder must mirror the encoder for greedy pretraining");
        }
        List<Level> levels = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            LayerInfo enc = m.encoder().layers().get(i);
            LayerInfo dec;
            if (mirrored) {
                LayerInfo mirror = m.decoder().layers().get(depth - 1 - i);
                dec = new LayerInfo(mirror.kind(), mirror.in(), mirror.out(), mirror.activation(), mirror.origin());
            } else {
                Nonlinearity act = i == 0
                        ? m.decoder()
                                .layers()
                                .get(m.decoder().layers().size() - 1)
                                .activation()
                        : m.encoder().layers().get(i - 1).activation();
                dec = new LayerInfo(LayerKind.DENSE, enc.out(), enc.in(), act, null);
            }
            boolean top = i == depth - 1;
            Nonlinearity inputActivation =
                    i == 0 ? null : m.encoder().layers().get(i - 1).activation();
            List<Term> terms = new ArrayList<>();
            for (Term t : m.objective()) {
                if (decodes(t)) {
                    terms.add(i == 0 ? t : reconstructionAbove(t, inputActivation, dec.activation()));
                } else if (!touchesCode(t) || top) {
                    terms.add(t);
                }
            }
            String f = m.encoder().name(), g = m.decoder().name();
            CheckedModel shallow = new CheckedModel(
                    m.name() + "_pretrain" + (i + 1),
                    new CheckedModel.Input(m.input().name(), i == 0 ? m.input().dims() : List.of(enc.in()), enc.in()),
                    new CheckedModel.Encoder(f, List.of(enc)),
                    new CheckedModel.Code(m.code().name(), enc.out(), m.code().value()),
                    new CheckedModel.Decoder(g, m.decoder().tied(), List.of(dec)),
                    i == 0 ? m.output() : null,
                    m.corruption(),
                    top ? m.noiseBeforeCode() : null,
                    null,
                    terms,
                    m.origins());
            Map<String, String> dest = new LinkedHashMap<>();
            dest.put(f + ".0.weight", f + "." + i + ".weight");
            dest.put(f + ".0.bias", f + "." + i + ".bias");
            if (mirrored) {
                int j = depth - 1 - i;
                if (!m.decoder().tied()) dest.put(g + ".0.weight", g + "." + j + ".weight");
                dest.put(g + ".0.bias", g + "." + j + ".bias");
            }
            levels.add(new Level(i, shallow, dest, mirrored));
        }
        return levels;
    }

    /** Whether decoder layer L-1-i maps encoder layer i's output size back to its input size, for every i. */
    static boolean mirrors(CheckedModel m) {
        int depth = m.encoder().layers().size();
        if (m.decoder().layers().size() != depth) return false;
        for (int i = 0; i < depth; i++) {
            LayerInfo e = m.encoder().layers().get(i);
            LayerInfo d = m.decoder().layers().get(depth - 1 - i);
            if (d.in() != e.out() || d.out() != e.in()) return false;
        }
        return true;
    }

    /** A reconstruction term for a level above the first: likelihoods that need [0, 1] targets fall back to mse. */
    private static Term reconstructionAbove(Term t, Nonlinearity inputActivation, Nonlinearity decoderActivation) {
        boolean unitInterval = inputActivation == Nonlinearity.SIGMOID && decoderActivation == Nonlinearity.SIGMOID;
        switch (t.loss()) {
            case MSE, GAUSSIAN_NLL:
                return t;
            case BERNOULLI_NLL:
                if (unitInterval) return t;
                break;
            default:
                break;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("a", t.args().get("x"));
        args.put("b", t.args().get("r"));
        return new Term(t.weight(), Loss.MSE, args, t.origin());
    }

    /** Whether a term's arguments apply the decoder. */
    static boolean decodes(Term t) {
        for (Object v : t.args().values()) if (v instanceof MExpr e && contains(e, true)) return true;
        return false;
    }

    /** Whether a term's arguments involve the code (h or an application of the encoder), outside a contractive penalty. */
    static boolean touchesCode(Term t) {
        if (t.loss() == Loss.JACOBIAN_FROBENIUS || t.loss() == Loss.WEIGHT_DECAY) return false;
        for (Object v : t.args().values()) if (v instanceof MExpr e && contains(e, false)) return true;
        return false;
    }

    /** Whether e applies the decoder ({@code decoder}) or involves the code ({@code !decoder}). */
    private static boolean contains(MExpr e, boolean decoder) {
        return switch (e) {
            case MExpr.Decode d -> decoder || contains(d.arg(), false);
            case MExpr.Encode en -> !decoder || contains(en.arg(), true);
            case MExpr.Code c -> !decoder;
            case MExpr.Input in -> false;
            case MExpr.Corrupted c -> false;
            case MExpr.Function fn -> false;
        };
    }

    /**
     * Pretrains {@code deep} on the n rows of x (n x d): trains each level in turn on the previous level's
     * codes and copies its parameters into {@code deep}. {@code config} is the train statement's (its epochs
     * are the epochs of each level; validation, early stopping and checkpoints are not used).
     */
    public static List<LevelResult> pretrain(
            CheckedModel m,
            CompiledModel deep,
            float[] x,
            int n,
            TrainConfig config,
            ModelBuilder builder,
            LevelListener listener) {
        List<Level> levels = plan(m);
        TrainConfig levelConfig = config.withValidation(0, 0).withCheckpoint(null);
        List<LevelResult> results = new ArrayList<>();
        float[] input = x;
        for (Level level : levels) {
            BuiltModel built = builder.build(
                    level.shallow(), ModelBuilder.rowsFor(config.batch()), config.seed() * 31 + level.index() + 1);
            CompiledModel shallow = built.model();
            String[] termNames = built.termNames();
            int width = level.shallow().input().size();
            TrainingListener watch = listener == null ? null : listener.listener(level, termNames);
            Trainer.Result r = new Trainer(shallow, levelConfig, watch, termNames)
                    .noise(Schedule.noiseSigma(level.shallow().noiseBeforeCode()))
                    .train(input, n, width);
            copy(shallow, deep, level.destinations());
            results.add(new LevelResult(level, r, built));
            if (level.index() < levels.size() - 1)
                input = codes(
                        shallow,
                        built.ir().code(),
                        input,
                        n,
                        width,
                        level.shallow().code().size());
        }
        return results;
    }

    /** Copies the named parameters of {@code from} into {@code to} (shallow name to deep name). */
    static void copy(CompiledModel from, CompiledModel to, Map<String, String> names) {
        for (var e : names.entrySet()) {
            float[] src = param(from, e.getKey());
            float[] dst = param(to, e.getValue());
            if (src.length != dst.length) {
                throw new IllegalStateException("ae4j bug: pretrained " + e.getKey() + " has " + src.length
                        + " values but " + e.getValue() + " has " + dst.length);
            }
            System.arraycopy(src, 0, dst, 0, src.length);
        }
    }

    private static float[] param(CompiledModel m, String name) {
        for (int i = 0; i < m.paramInfo().size(); i++)
            if (m.paramInfo().get(i).name().equals(name)) return m.params()[i];
        throw new IllegalStateException("ae4j bug: model " + m.name() + " has no parameter " + name);
    }

    /** The code node's values for the n rows of x, without corruption or noise. */
    static float[] codes(CompiledModel m, int code, float[] x, int n, int d, int width) {
        return Forward.values(m, code, x, n, d, width);
    }
}
