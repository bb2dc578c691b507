package ae4j.bench;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.ModelBuilder;
import ae4j.dsl.runtime.Forward;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code ae4j bench psd}: predictive sparse decomposition (section 14.8) deploys the encoder because f(x) is cheap
 * next to inferring the code. Times the codes of the same inputs both ways on the model of
 * examples/14.8-psd.ae (784 inputs, 256 tanh units, 10 proximal steps): f(x) (one encoder pass, what
 * Model.encode gives) and h* (f(x), then 10 steps each through the decoder and back), and prints the ratio.
 */
public final class PsdBench {

    static final String MODEL = """
            model psd {
              input x[784]
              encoder f { dense 256 tanh }
              decoder g { dense 784 identity }
              free code h { steps: 10, lr: 0.05 }
              minimize mse(x, g(h)) + 0.5 * l1(h) + 1.0 * mse(h, f(x))
            }
            """;

    public static void main(String[] args) {
        System.out.println(ae4j.vecmath.SystemInfo.report());
        System.out.println("date: " + java.time.LocalDate.now());
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        FrontEnd.Result r = FrontEnd.check("psd.ae", MODEL);
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().render());
        BuiltModel b = ModelBuilder.generated().build(r.checked().model("psd"), 128, 1);
        int d = 784, code = b.ir().code(), width = b.ir().graph().width(code);
        float[] x = new float[n * d];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        int reps = 7;
        double[] encoder = new double[reps], inference = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            float[] fx = Forward.values(b.model(), code, x, n, d, width);
            long t1 = System.nanoTime();
            float[] hs = Forward.valuesAfterCodeSteps(b.model(), code, x, n, d, width);
            long t2 = System.nanoTime();
            Harness.sink = fx[0] + hs[0];
            encoder[i] = (t1 - t0) / 1e6;
            inference[i] = (t2 - t1) / 1e6;
        }
        double fMs = median(encoder), hMs = median(inference);
        System.out.printf(
                Locale.ROOT,
                "codes of %,d inputs (784 -> 256, batches of 128), median of %d after warm-up:%n",
                n,
                reps - 2);
        System.out.printf(Locale.ROOT, "  f(x), the encoder (deployed):        %9.1f ms%n", fMs);
        System.out.printf(Locale.ROOT, "  h*, f(x) then 10 proximal steps:     %9.1f ms%n", hMs);
        System.out.printf(Locale.ROOT, "  ratio h* / f(x):                     %9.1f x%n", hMs / fMs);
    }

    /** The median of the runs after the first two (JIT warm-up). */
    private static double median(double[] v) {
        double[] s = Arrays.copyOfRange(v, 2, v.length);
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
