package ae4j.bench;

import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.runtime.BatchSplit;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.vecmath.Parallel;
import java.util.SplittableRandom;

/** Scratch: microseconds per training step, split vs not, 1 vs 2 threads, alternating in one JVM. */
public final class SplitProbe {
    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "mid";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        CompiledModel m = CompareModels.compile(name, batch, ModelCompiler.withDefaultCache());
        float[] x = new float[batch * 784];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        int[][] configs = {{1, 100000}, {1, 32}, {2, 100000}, {2, 32}, {2, 16}};
        long step = 0;
        double[] best = new double[configs.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < 8; round++) {
            StringBuilder sb = new StringBuilder("round " + round + ":");
            for (int ci = 0; ci < configs.length; ci++) {
                int[] c = configs[ci];
                Parallel.setThreads(c[0]);
                BatchSplit.setMinRows(c[1]);
                for (int i = 0; i < steps / 4; i++) m.forwardBackward(x, batch, 1, step++);
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) m.forwardBackward(x, batch, 1, step++);
                double us = (System.nanoTime() - t0) / 1e3 / steps;
                best[ci] = Math.min(best[ci], us);
                sb.append(String.format("  t%d split%s %.0f us", c[0], c[1] > 1000 ? "-" : "" + BatchSplit.parts(batch), us));
            }
            System.out.println(sb);
        }
        StringBuilder sb = new StringBuilder("best:   ");
        for (int ci = 0; ci < configs.length; ci++) {
            sb.append(String.format("  t%d minRows %d %.0f us", configs[ci][0], configs[ci][1], best[ci]));
        }
        System.out.println(sb);
    }
}
