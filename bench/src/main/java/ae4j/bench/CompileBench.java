package ae4j.bench;

import ae4j.dsl.compile.JavaEmitter;
import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code ae4j bench compile}: time from a model's IR to a loaded class: the first compile in a process
 * (javac itself still cold), later compiles of new models, and loads of an unchanged model from the
 * class cache on disk.
 */
public final class CompileBench {

    public static void main(String[] args) throws Exception {
        System.out.println(ae4j.vecmath.SystemInfo.report());
        System.out.println("date: " + java.time.LocalDate.now());
        Path cache = Files.createTempDirectory("ae4j-bench-compile");
        ModelCompiler mc = new ModelCompiler(cache);
        double cold = timeMs(() -> compile(mc, "m0"));
        double[] warm = new double[5];
        for (int i = 0; i < warm.length; i++) {
            int k = i + 1;
            warm[i] = timeMs(() -> compile(mc, "m" + k));
        }
        double[] cached = new double[20];
        for (int i = 0; i < cached.length; i++) {
            int k = 1 + i % 5;
            cached[i] = timeMs(() -> compile(mc, "m" + k));
        }
        System.out.printf(Locale.ROOT, "first compile in the process (cold javac): %8.1f ms%n", cold);
        System.out.printf(
                Locale.ROOT,
                "compile of a new model (warm javac):       %8.1f ms (median of %d)%n",
                median(warm),
                warm.length);
        System.out.printf(
                Locale.ROOT,
                "load of an unchanged model from the cache: %8.1f ms (median of %d; target < 100 ms)%n",
                median(cached),
                cached.length);
    }

    private static void compile(ModelCompiler mc, String name) {
        Graph g = StepBench.midGraph(name);
        String src = JavaEmitter.emit(g, "ae4j.generated.bench");
        try {
            mc.load("ae4j.generated.bench." + JavaEmitter.classNameFor(g), src)
                    .getConstructor(int.class)
                    .newInstance(128);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double timeMs(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
