package ae4j.dsl.check;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of a checked {@code train} statement, typed: every option is present or took its default from
 * the built-ins registry ({@link Builtins}, train options), so nothing here has a default of its own.
 * {@link #values()} keeps them by name, as written into model files.
 */
public record TrainOptions(Map<String, Object> values) {

    public TrainOptions {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The registry's defaults (a train statement without options). */
    public static TrainOptions defaults() {
        return new TrainOptions(Builtins.defaultOptions(Builtins.Kind.TRAIN_OPTION));
    }

    public int epochs() {
        return integer("epochs", 0);
    }

    public int batch() {
        return integer("batch", 0);
    }

    /** The optimizer with its arguments, e.g. adam(lr: 0.001, beta1: 0.9, ...). */
    public CheckedModel.Call optimizer() {
        return (CheckedModel.Call) values.get("optimizer");
    }

    /** The learning-rate schedule with its arguments, e.g. constant(). */
    public CheckedModel.Call schedule() {
        return (CheckedModel.Call) values.get("schedule");
    }

    public int seed() {
        return integer("seed", 0);
    }

    /** Worker threads, 0 for all available. */
    public int threads() {
        return integer("threads", 0);
    }

    /** The fraction of the training set held out for validation (0 with none or with a validation data set). */
    public double validationFraction() {
        return values.get("validation") instanceof Number n ? n.doubleValue() : 0;
    }

    /** The data set to validate on, or null (then {@link #validationFraction()} applies). */
    public String validationData() {
        return values.get("validation") instanceof String s ? s : null;
    }

    /** Early-stopping patience in epochs, 0 for none. */
    public int earlyStopping() {
        return integer("early_stopping", 0);
    }

    /** Where a checkpoint is written after every epoch, or null. */
    public String checkpoint() {
        return values.get("checkpoint") instanceof String s ? s : null;
    }

    /** The gradient-norm clip, 0 for none. */
    public double clip() {
        return values.get("clip") instanceof Number n ? n.doubleValue() : 0;
    }

    /** Whether greedy layer-wise pretraining (section 14.3) runs first. */
    public boolean greedyPretraining() {
        return "greedy".equals(values.get("pretrain"));
    }

    /** Epochs of each pretraining level: as written, else the statement's epochs. */
    public int pretrainEpochs() {
        return integer("pretrain_epochs", epochs());
    }

    /** Whether the statement asks for recirculation (section 14.1) instead of backpropagation. */
    public boolean recirculation() {
        return "recirculation".equals(values.get("algorithm"));
    }

    private int integer(String key, int absent) {
        return values.get(key) instanceof Number n ? n.intValue() : absent;
    }
}
