package ae4j.dsl.train;

import ae4j.dsl.check.Builtins;
import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.TrainOptions;
import java.util.Map;

/**
 * What a {@code train} statement asks for, with the checker's defaults.
 *
 * @param validation fraction of the training set held out for validation (0 = none)
 * @param earlyStopping patience in epochs (0 = off); needs a validation set
 * @param clip global gradient-norm clip (0 = off)
 * @param checkpoint path of the checkpoint written at the end of each epoch, or null
 */
public record TrainConfig(
        int epochs,
        int batch,
        String optimizer,
        Map<String, Object> optimizerArgs,
        String schedule,
        Map<String, Object> scheduleArgs,
        long seed,
        int threads,
        double validation,
        int earlyStopping,
        double clip,
        String checkpoint) {

    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        // Keep the written order (Map.copyOf would print adam's arguments in a different order every run).
        optimizerArgs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(optimizerArgs));
        scheduleArgs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scheduleArgs));
    }

    /** The train options' defaults, from the built-ins registry: 10 epochs, batch 128, adam(lr: 1e-3), constant schedule, seed 0. */
    public static TrainConfig defaults() {
        return from(TrainOptions.defaults());
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(
                e,
                batch,
                optimizer,
                optimizerArgs,
                schedule,
                scheduleArgs,
                seed,
                threads,
                validation,
                earlyStopping,
                clip,
                checkpoint);
    }

    public TrainConfig withBatch(int b) {
        return new TrainConfig(
                epochs,
                b,
                optimizer,
                optimizerArgs,
                schedule,
                scheduleArgs,
                seed,
                threads,
                validation,
                earlyStopping,
                clip,
                checkpoint);
    }

    public TrainConfig withOptimizer(String name, Map<String, Object> args) {
        return new TrainConfig(
                epochs,
                batch,
                name,
                args,
                schedule,
                scheduleArgs,
                seed,
                threads,
                validation,
                earlyStopping,
                clip,
                checkpoint);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(
                epochs,
                batch,
                optimizer,
                optimizerArgs,
                schedule,
                scheduleArgs,
                s,
                threads,
                validation,
                earlyStopping,
                clip,
                checkpoint);
    }

    public TrainConfig withValidation(double fraction, int patience) {
        return new TrainConfig(
                epochs,
                batch,
                optimizer,
                optimizerArgs,
                schedule,
                scheduleArgs,
                seed,
                threads,
                fraction,
                patience,
                clip,
                checkpoint);
    }

    public TrainConfig withClip(double c) {
        return new TrainConfig(
                epochs,
                batch,
                optimizer,
                optimizerArgs,
                schedule,
                scheduleArgs,
                seed,
                threads,
                validation,
                earlyStopping,
                c,
                checkpoint);
    }

    public TrainConfig withSchedule(String name, Map<String, Object> args) {
        return new TrainConfig(
                epochs,
                batch,
                optimizer,
                optimizerArgs,
                name,
                args,
                seed,
                threads,
                validation,
                earlyStopping,
                clip,
                checkpoint);
    }

    public TrainConfig withCheckpoint(String path) {
        return new TrainConfig(
                epochs,
                batch,
                optimizer,
                optimizerArgs,
                schedule,
                scheduleArgs,
                seed,
                threads,
                validation,
                earlyStopping,
                clip,
                path);
    }

    /** From the options of a checked {@code train} statement (every option present or defaulted). */
    public static TrainConfig from(TrainOptions o) {
        CheckedModel.Call opt = o.optimizer();
        CheckedModel.Call sched = o.schedule();
        return new TrainConfig(
                o.epochs(),
                o.batch(),
                opt.name(),
                Builtins.withDefaults(Builtins.Kind.OPTIMIZER, opt.name(), opt.args()),
                sched.name(),
                Builtins.withDefaults(Builtins.Kind.SCHEDULE, sched.name(), sched.args()),
                o.seed(),
                o.threads(),
                o.validationFraction(),
                o.earlyStopping(),
                o.clip(),
                o.checkpoint());
    }
}
