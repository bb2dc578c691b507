package ae4j.dsl.train;

import ae4j.dsl.check.Builtins;
import ae4j.dsl.check.CheckedModel;
import java.util.Map;

/**
 * A value that changes over training, as a function of progress: {@code epochs} is the fractional epoch
 * (epoch + batch / batchesPerEpoch) and {@code total} the planned number of epochs. Learning-rate
 * schedules return a multiplier of the base rate; {@code ramp} returns the value itself (it drives a
 * noise level).
 */
@FunctionalInterface
public interface Schedule {

    double at(double epochs, int total);

    /** The multiplier 1 throughout. */
    Schedule CONSTANT = (e, t) -> 1.0;

    /** Multiplies by {@code factor} every {@code every} epochs. */
    static Schedule step(int every, double factor) {
        return (e, t) -> Math.pow(factor, Math.floor(e / every));
    }

    /** Cosine decay of the multiplier from 1 to {@code minRatio} over the whole training. */
    static Schedule cosine(double minRatio) {
        return (e, t) -> minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, e / Math.max(1, t))));
    }

    /**
     * Linear warm-up from 0 over {@code epochs} to the value {@code then} starts at, then {@code then} (which sees
     * the epochs after the warm-up). For a learning rate's multiplier that start is 1.
     */
    static Schedule warmup(int epochs, Schedule then) {
        return (e, t) -> e < epochs
                ? e / epochs * then.at(0, Math.max(1, t - epochs))
                : then.at(e - epochs, Math.max(1, t - epochs));
    }

    /** A linear ramp of the value from {@code start} to {@code end} over the training. */
    static Schedule ramp(double start, double end) {
        return (e, t) -> start + (end - start) * Math.min(1, e / Math.max(1, t));
    }

    /**
     * The sigma of a model's noise before the code over training, or null when it does not change: {@code
     * sigma} a number (then scaled by the {@code schedule} argument, if any, as a learning rate is) or a
     * value schedule, {@code ramp(start, end)} or {@code warmup(epochs, then: ramp(...))}.
     */
    static Schedule noiseSigma(CheckedModel.Call noise) {
        if (noise == null) return null;
        Object sigma = noise.args().get("sigma");
        Object scale = noise.args().get("schedule");
        if (sigma instanceof Number n) {
            if (!(scale instanceof CheckedModel.Call c) || c.name().equals("constant")) return null;
            double base = n.doubleValue();
            Schedule multiplier = of(c.name(), c.args(), base);
            return (e, t) -> base * multiplier.at(e, t);
        }
        if (sigma instanceof CheckedModel.Call c) return of(c.name(), c.args(), 1);
        throw new IllegalArgumentException("ae4j bug: the checker passed the noise sigma " + sigma);
    }

    /**
     * From a checked schedule call (name and defaulted arguments, as the checker resolves them).
     * {@code baseLr} turns cosine's absolute {@code min} learning rate into a ratio.
     */
    static Schedule of(String name, Map<String, Object> given, double baseLr) {
        Map<String, Object> args = Builtins.withDefaults(Builtins.Kind.SCHEDULE, name, given);
        return switch (name) {
            case "constant" -> CONSTANT;
            case "step" -> step(((Number) args.get("every")).intValue(), ((Number) args.get("factor")).doubleValue());
            case "cosine" ->
                cosine(baseLr > 0 ? (args.get("min") instanceof Number min ? min.doubleValue() : 0) / baseLr : 0);
            case "warmup" -> {
                Object then = args.get("then");
                Schedule next = then instanceof CheckedModel.Call c ? of(c.name(), c.args(), baseLr) : CONSTANT;
                yield warmup(((Number) args.get("epochs")).intValue(), next);
            }
            case "ramp" -> ramp(((Number) args.get("start")).doubleValue(), ((Number) args.get("end")).doubleValue());
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "'");
        };
    }
}
