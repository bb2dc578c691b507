package ae4j.dsl.runtime;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The initial weights of every model ae4j builds: Glorot-normal weights N(0, 2 / (fan_in + fan_out)) and zero
 * biases (a 1 x n parameter), drawn from one {@link SplittableRandom} seeded from the train statement's seed.
 * The same seed gives the same weights in {@code ae4j run}, a notebook, pretraining, the benchmarks and the tests.
 */
public final class Initializer {

    private Initializer() {}

    /** Fills the model's parameters in {@link CompiledModel#paramInfo()} order; biases take no draws. */
    public static void glorot(CompiledModel m, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        for (int i = 0; i < m.params().length; i++) {
            CompiledModel.ParamInfo info = m.paramInfo().get(i);
            float[] p = m.params()[i];
            if (info.rows() == 1) {
                Arrays.fill(p, 0f);
                continue;
            }
            double sd = Math.sqrt(2.0 / (info.rows() + info.cols()));
            for (int j = 0; j < p.length; j++) p[j] = (float) (r.nextGaussian() * sd);
        }
    }
}
