package ae4j.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The tables {@code ae4j bench compare} prints: speed per row with the ratio and GFLOP/s, then objective and memory. */
final class CompareTable {

    private CompareTable() {}

    static void print(
            PrintStream out,
            List<CompareBench.Row> rows,
            List<CompareBench.SideResult[]> results,
            double peak2,
            int n) {
        boolean dl4j = results.stream().anyMatch(r -> r.length > 2 && r[2] != null);
        out.printf(
                Locale.ROOT,
                "one epoch of %,d Fashion-MNIST images (encode-only: passes over them); examples/s median of runs; "
                        + "GFLOP/s of the GEMMs (same count both sides) and %% of the 2-core FMA peak (%.1f GFLOP/s, the best measurement); "
                        + "spread = (max - min) / median of the runs; best: the ratio of each side's fastest run (on a shared "
                        + "host other load only slows a run down); near: the ratio of the medians over the epochs on several "
                        + "threads that began with the processors near each other (round trip at most %.0f ns; - where a side "
                        + "had none)%s%n",
                n,
                peak2 / 1e9,
                HostProbe.FAR_NANOS,
                dl4j ? "; dl4j: Deeplearning4j (- where a model is not expressible as its standard layers)" : "");
        out.printf(
                Locale.ROOT,
                "%-34s %5s %3s | %10s %10s %6s |%s %16s %16s | %s | %s | %s%n",
                "model",
                "batch",
                "thr",
                "ae4j ex/s",
                "torch ex/s",
                "ratio",
                dl4j ? String.format(Locale.ROOT, " %10s %7s |", "dl4j ex/s", "ratio") : "",
                "ae4j GFLOP/s",
                "torch GFLOP/s",
                "spread ae4j/torch",
                "best",
                " near");
        for (int i = 0; i < rows.size(); i++) {
            CompareBench.Row row = rows.get(i);
            CompareBench.SideResult a = results.get(i)[0], p = results.get(i)[1];
            CompareBench.SideResult d = results.get(i).length > 2 ? results.get(i)[2] : null;
            double fa = row.flopsPerExample() * a.median(), fp = row.flopsPerExample() * p.median();
            String dcol = !dl4j
                    ? ""
                    : d == null
                            ? String.format(Locale.ROOT, " %10s %7s |", "-", "-")
                            : String.format(Locale.ROOT, " %10.0f %6.1fx |", d.median(), a.median() / d.median());
            out.printf(
                    Locale.ROOT,
                    "%-34s %5d %3d | %10.0f %10.0f %5.2fx |%s %8.1f (%4.1f%%) %8.1f (%4.1f%%) | %4.0f%% / %4.0f%% | %4.2fx | %5s%n",
                    row.label(),
                    row.batch(),
                    row.threads(),
                    a.median(),
                    p.median(),
                    a.median() / p.median(),
                    dcol,
                    fa / 1e9,
                    100 * fa / peak2,
                    fp / 1e9,
                    100 * fp / peak2,
                    a.spreadPercent(),
                    p.spreadPercent(),
                    a.best() / p.best(),
                    nearRatio(a, p));
        }
        gemmsAlone(out, rows, results, peak2);
        out.println();
        out.println(
                "objective (nats per example: initial = before training, on the first rows, no corruption; final = mean "
                        + "over the epoch's steps) and peak resident memory (VmHWM) of each worker process");
        out.printf(
                Locale.ROOT,
                "%-34s %5s %3s | %10s %10s %8s | %10s %10s%s | %8s %8s%s%n",
                "model",
                "batch",
                "thr",
                "init ae4j",
                "init torch",
                "rel.diff",
                "final ae4j",
                "final torch",
                dl4j ? String.format(" %10s", "final dl4j") : "",
                "RSS ae4j",
                "RSS torch",
                dl4j ? String.format(" %8s", "RSS dl4j") : "");
        for (int i = 0; i < rows.size(); i++) {
            CompareBench.Row row = rows.get(i);
            CompareBench.SideResult a = results.get(i)[0], p = results.get(i)[1];
            CompareBench.SideResult d = results.get(i).length > 2 ? results.get(i)[2] : null;
            String fa = row.encode() ? "-" : String.format(Locale.ROOT, "%.4f", a.finalLoss());
            String fp = row.encode() ? "-" : String.format(Locale.ROOT, "%.4f", p.finalLoss());
            String fd = !dl4j
                    ? ""
                    : String.format(
                            Locale.ROOT, " %10s", d == null ? "-" : String.format(Locale.ROOT, "%.4f", d.finalLoss()));
            String rd = !dl4j
                    ? ""
                    : d == null ? String.format(" %8s", "-") : String.format(Locale.ROOT, " %5d MB", d.rssKb() >> 10);
            out.printf(
                    Locale.ROOT,
                    "%-34s %5d %3d | %10.4f %10.4f %8.1e | %10s %10s%s | %5d MB %5d MB%s%n",
                    row.label(),
                    row.batch(),
                    row.threads(),
                    a.initialLoss(),
                    p.initialLoss(),
                    CompareBench.relDiff(a.initialLoss(), p.initialLoss()),
                    fa,
                    fp,
                    fd,
                    a.rssKb() >> 10,
                    p.rssKb() >> 10,
                    rd);
        }
        out.println(
                "(encode-only rows: 'init' is the mean code value over the first rows, a checksum of both encoders)");
        if (dl4j) {
            out.println(
                    "(final dl4j: the mean over the steps Deeplearning4j was timed on, the first --dl4j-examples of the epoch)");
        }
    }

    /**
     * Per training row, ae4j's whole step (the timed epoch: the generated step, Adam, batching) beside the GEMMs of
     * one step timed alone: the distance between them is the step's other work and its overheads.
     */
    static void gemmsAlone(
            PrintStream out, List<CompareBench.Row> rows, List<CompareBench.SideResult[]> results, double peak2) {
        boolean any = false;
        for (int i = 0; i < rows.size(); i++)
            any |= !rows.get(i).encode() && !Double.isNaN(results.get(i)[0].gemmsAlone());
        if (!any) return;
        out.println();
        out.println(
                "ae4j, GEMMs alone vs whole step: the GEMM calls of one generated training step (its weight packing,"
                        + " row split and products) timed by themselves in the same worker right after each of its epochs"
                        + " (median of repetitions, then the median over the runs), beside the"
                        + " whole step (the timed epoch above: step, Adam, batching); GFLOP/s and % of the 2-core FMA peak"
                        + " as above; GEMMs / torch: the ratio ae4j would reach if its step were nothing but its GEMMs"
                        + " (a target above it needs a faster GEMM, not a leaner step)");
        out.printf(
                Locale.ROOT,
                "%-34s %5s %3s | %10s %16s | %10s %16s | %s | %s%n",
                "model",
                "batch",
                "thr",
                "GEMMs ex/s",
                "GEMMs GFLOP/s",
                "whole ex/s",
                "whole GFLOP/s",
                "whole / GEMMs",
                "GEMMs / torch");
        for (int i = 0; i < rows.size(); i++) {
            CompareBench.Row row = rows.get(i);
            CompareBench.SideResult a = results.get(i)[0], p = results.get(i)[1];
            if (row.encode() || Double.isNaN(a.gemmsAlone())) continue;
            double fg = row.flopsPerExample() * a.gemmsAlone(), fw = row.flopsPerExample() * a.median();
            out.printf(
                    Locale.ROOT,
                    "%-34s %5d %3d | %10.0f %8.1f (%4.1f%%) | %10.0f %8.1f (%4.1f%%) | %12.0f%% | %12.2fx%n",
                    row.label(),
                    row.batch(),
                    row.threads(),
                    a.gemmsAlone(),
                    fg / 1e9,
                    100 * fg / peak2,
                    a.median(),
                    fw / 1e9,
                    100 * fw / peak2,
                    100 * a.median() / a.gemmsAlone(),
                    a.gemmsAlone() / p.median());
        }
    }

    /** ae4j's near-only median over PyTorch's, or "-" where a side had no epoch that began near. */
    static String nearRatio(CompareBench.SideResult a, CompareBench.SideResult p) {
        double r = a.nearMedian() / p.nearMedian();
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%4.2fx", r);
    }
}
