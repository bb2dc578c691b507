package ae4j.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two other modes of {@code ae4j bench compare}: {@code --check} (both sides on identical weights and data:
 * the objective and the first batch's gradient agree) and {@code --profile} (where ae4j's training time goes).
 */
final class CompareModes {

    private CompareModes() {}

    // ------------------------------------------------------------------------------------------ check

    /** Both sides on identical weights and data: the objective over the first rows and the first batch's gradient. */
    static int check(CompareBench.Options o, PrintStream out) throws Exception {
        Path tmp = Files.createTempDirectory("ae4j-compare-check");
        int imagesInFile = CompareBench.imagesIn(CompareBench.IMAGES);
        int n = o.examples() > 0 ? Math.min(o.examples(), imagesInFile) : Math.min(2048, imagesInFile);
        int batch = o.batches().getFirst();
        int threads = o.threads().getFirst();
        CompareBench.warmClassCache(o);
        int failures = 0;
        out.printf(
                Locale.ROOT,
                "objective check: ae4j and PyTorch on the same initial weights and the first %,d images, "
                        + "batch %d, %d thread(s)%n",
                n,
                batch,
                threads);
        List<CompareBench.Row> rows = new ArrayList<>();
        for (String m : o.models()) rows.add(new CompareBench.Row(m, false, batch, threads));
        if (o.encode()) rows.add(new CompareBench.Row("mid", true, batch, threads));
        for (CompareBench.Row row : rows) {
            Path init = tmp.resolve(row.model() + ".safetensors");
            List<String> common = List.of(
                    "--model",
                    row.model(),
                    "--mode",
                    row.encode() ? "encode" : "train",
                    "--batch",
                    Integer.toString(batch),
                    "--threads",
                    Integer.toString(threads),
                    "--examples",
                    Integer.toString(n),
                    "--warmup",
                    "0",
                    "--passes",
                    "1",
                    "--check-rows",
                    Integer.toString(n));
            try (Workers.Worker ae = Workers.Worker.start(
                    "ae4j", Workers.javaCommand(row.model(), common, "--init-out", init.toString()), tmp)) {
                ae.await("ready");
                try (Workers.Worker torch = Workers.Worker.start(
                        "pytorch", Workers.pythonCommand(o, common, "--init", init.toString()), tmp)) {
                    torch.await("ready");
                    ae.send("initial");
                    torch.send("initial");
                    double la = CompareBench.num(ae.await("initial").get("loss"));
                    double lp = CompareBench.num(torch.await("initial").get("loss"));
                    double rd = CompareBench.relDiff(la, lp);
                    boolean ok = rd <= 1e-4;
                    out.printf(
                            Locale.ROOT,
                            "%-34s %s %.6f (ae4j) vs %.6f (pytorch): rel. diff %.1e  %s%n",
                            row.label(),
                            row.encode() ? "mean code" : "objective",
                            la,
                            lp,
                            rd,
                            ok ? "ok" : "MISMATCH");
                    if (!ok) failures++;
                    if (!row.encode() && !row.model().equals("dae")) {
                        ae.send("grads");
                        torch.send("grads");
                        Map<String, Object> ga = ae.await("grads"), gp = torch.await("grads");
                        @SuppressWarnings("unchecked")
                        Map<String, Object> na = (Map<String, Object>) ga.get("norms");
                        @SuppressWarnings("unchecked")
                        Map<String, Object> np = (Map<String, Object>) gp.get("norms");
                        double worst = 0;
                        String worstName = "";
                        for (var e : na.entrySet()) {
                            double d = np.containsKey(e.getKey())
                                    ? CompareBench.relDiff(
                                            CompareBench.num(e.getValue()), CompareBench.num(np.get(e.getKey())))
                                    : 1;
                            if (d >= worst) {
                                worst = d;
                                worstName = e.getKey();
                            }
                        }
                        boolean gok = worst <= 1e-3 && na.keySet().equals(np.keySet());
                        out.printf(
                                Locale.ROOT,
                                "%-34s gradient of the first batch: %d tensors, largest rel. diff of a norm "
                                        + "%.1e (%s)  %s%n",
                                "",
                                na.size(),
                                worst,
                                worstName,
                                gok ? "ok" : "MISMATCH");
                        if (!gok) failures++;
                    } else if (row.model().equals("dae")) {
                        out.printf(
                                Locale.ROOT,
                                "%-34s (gradient not compared: a training step draws corruption noise, "
                                        + "which differs between the sides by design)%n",
                                "");
                    }
                    ae.quit();
                    torch.quit();
                }
            }
        }
        CompareBench.deleteTree(tmp);
        out.println(failures == 0 ? "both sides compute the same objective" : failures + " mismatch(es)");
        return failures == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------------------------------ profile

    /**
     * The ae4j side alone, under Java Flight Recorder: the timed epochs' execution samples per thread and
     * category ({@link JfrBreakdown}), then one more epoch with a timer around each phase of the loop.
     */
    static int profile(CompareBench.Options o, PrintStream out) throws Exception {
        Path tmp = Files.createTempDirectory("ae4j-compare-profile");
        int imagesInFile = CompareBench.imagesIn(CompareBench.IMAGES);
        int n = o.examples() > 0 ? Math.min(o.examples(), imagesInFile) : imagesInFile;
        CompareBench.warmClassCache(o);
        out.println(ae4j.vecmath.SystemInfo.report());
        out.println("date: " + java.time.ZonedDateTime.now().withNano(0) + "; load average at start: "
                + CompareBench.loadAverage());
        for (CompareBench.Row row : CompareBench.rows(o)) {
            if (row.encode()) continue;
            Path jfr = tmp.resolve(row.model() + "-" + row.batch() + "-" + row.threads() + ".jfr");
            List<String> common = List.of(
                    "--model",
                    row.model(),
                    "--batch",
                    Integer.toString(row.batch()),
                    "--threads",
                    Integer.toString(row.threads()),
                    "--examples",
                    Integer.toString(n));
            List<String> cmd = Workers.javaCommand(row.model(), common);
            cmd.add(
                    cmd.indexOf("-cp"),
                    "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,"
                            + "jdk.ExecutionSample#period=1ms");
            List<JfrBreakdown.Window> windows = new ArrayList<>();
            double[] secs = new double[o.runs()];
            Map<String, Object> split;
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%s, batch %d, %d thread(s), %,d examples per epoch%n",
                    row.label(),
                    row.batch(),
                    row.threads(),
                    n);
            try (Workers.Worker ae = Workers.Worker.start("ae4j", cmd, tmp)) {
                ae.await("ready");
                for (int r = 0; r < o.runs(); r++) {
                    ae.send("run");
                    Map<String, Object> res = ae.await("result");
                    secs[r] = CompareBench.num(res.get("seconds"));
                    windows.add(new JfrBreakdown.Window(
                            java.time.Instant.ofEpochMilli((long) CompareBench.num(res.get("wall_start_ms"))),
                            java.time.Instant.ofEpochMilli((long) CompareBench.num(res.get("wall_end_ms")))));
                }
                ae.send("split");
                split = ae.await("split");
                ae.quit();
            }
            out.printf(
                    Locale.ROOT,
                    "  timed epochs: %s s (median %.2f s, %,.0f examples/s)%n",
                    Arrays.toString(secs),
                    CompareBench.median(secs),
                    n / CompareBench.median(secs));
            double total = CompareBench.num(split.get("seconds"));
            out.printf(
                    Locale.ROOT,
                    "  one epoch timed per phase: %.2f s = step with the Adam update inside %.1f%%, "
                            + "batch gather %.1f%%, shuffle %.2f%%, rest %.1f%% (%d steps, %.0f us per step)%n",
                    total,
                    pct(split, "forward_backward", total),
                    pct(split, "gather", total),
                    pct(split, "shuffle", total),
                    100
                            - pct(split, "forward_backward", total)
                            - pct(split, "gather", total)
                            - pct(split, "shuffle", total),
                    (long) CompareBench.num(split.get("steps")),
                    1e6 * total / CompareBench.num(split.get("steps")));
            out.println("  JFR execution samples during the timed epochs (share of each thread's samples; a thread is "
                    + "sampled only while it runs Java code, not while parked):");
            JfrBreakdown.read(jfr, windows).print(out);
        }
        CompareBench.deleteTree(tmp);
        return 0;
    }

    private static double pct(Map<String, Object> split, String key, double total) {
        return 100 * CompareBench.num(split.get(key)) / total;
    }
}
