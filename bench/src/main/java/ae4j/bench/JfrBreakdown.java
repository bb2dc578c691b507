package ae4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a training step's time goes, from a JFR recording of an ae4j worker: the execution samples taken
 * inside given time windows (the timed epochs), per thread, each put in the category of the first ae4j
 * frame from the top of its stack (GEMM, elementwise kernels, optimizer, thread hand-off, batch gather,
 * the generated class's own loops).
 */
final class JfrBreakdown {

    /** A time window [from, to]. */
    record Window(Instant from, Instant to) {
        boolean contains(Instant t) {
            return !t.isBefore(from) && !t.isAfter(to);
        }
    }

    /** Sample counts per thread, per category. */
    final Map<String, Map<String, Integer>> byThread = new TreeMap<>();

    static JfrBreakdown read(Path recording, List<Window> windows) throws IOException {
        JfrBreakdown b = new JfrBreakdown();
        try (RecordingFile f = new RecordingFile(recording)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                Instant t = e.getStartTime();
                if (windows.stream().noneMatch(w -> w.contains(t))) continue;
                var thread = e.getThread("sampledThread");
                String name = thread == null ? "?" : thread.getJavaName();
                List<RecordedFrame> frames = e.getStackTrace() == null
                        ? List.of()
                        : e.getStackTrace().getFrames();
                b.byThread.computeIfAbsent(name, k -> new TreeMap<>()).merge(category(frames), 1, Integer::sum);
            }
        }
        return b;
    }

    static String category(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.getMethod() == null) continue;
            String cls = f.getMethod().getType().getName();
            String m = f.getMethod().getName();
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            if (cls.equals("ae4j.vecmath.GemmKernels")) return "GEMM: micro-kernel";
            if (cls.equals("ae4j.vecmath.Transpose")) return "GEMM: packing (transposes in registers)";
            if (cls.equals("ae4j.vecmath.GemmPacking")) return "GEMM: packing (" + m + ")";
            if (cls.equals("ae4j.vecmath.Gemm")) {
                return m.startsWith("pack")
                        ? "GEMM: packing (" + m + ")"
                        : m.equals("store") ? "GEMM: store of C with the epilogue" : "GEMM: " + m;
            }
            if (cls.equals("ae4j.vecmath.Updates") || cls.equals("ae4j.dsl.train.Optimizer"))
                return "optimizer: Adam update";
            if (cls.startsWith("ae4j.vecmath.Parallel")) return "thread hand-off: dispatch, spin, wait";
            if (cls.startsWith("ae4j.vecmath.")) {
                String k = simple.equals("VMath") ? "Activation/Losses (VMath)" : simple + "." + m;
                return "elementwise: " + k;
            }
            if (cls.startsWith("ae4j.generated.")) return "generated class: gradient zeroing, input copy";
            if (cls.equals("ae4j.dsl.train.Trainer")) return "data: shuffle + batch gather";
        }
        RecordedFrame top = frames.isEmpty() ? null : frames.getFirst();
        return "other: "
                + (top == null || top.getMethod() == null
                        ? "?"
                        : top.getMethod().getType().getName() + "."
                                + top.getMethod().getName());
    }

    /** Totals per top-level group (the text before ':'). */
    static Map<String, Integer> groups(Map<String, Integer> cats) {
        Map<String, Integer> g = new LinkedHashMap<>();
        for (var e : cats.entrySet()) g.merge(e.getKey().split(":")[0], e.getValue(), Integer::sum);
        return g;
    }

    void print(PrintStream out) {
        for (var t : byThread.entrySet()) {
            int total =
                    t.getValue().values().stream().mapToInt(Integer::intValue).sum();
            if (total < 20) continue;
            out.printf(Locale.ROOT, "  thread %s: %d samples while running Java code%n", t.getKey(), total);
            List<Map.Entry<String, Integer>> groups =
                    new ArrayList<>(groups(t.getValue()).entrySet());
            groups.sort((a, b) -> b.getValue() - a.getValue());
            for (var g : groups) {
                out.printf(Locale.ROOT, "    %-44s %5.1f%%%n", g.getKey(), 100.0 * g.getValue() / total);
                List<Map.Entry<String, Integer>> sub = new ArrayList<>();
                for (var c : t.getValue().entrySet()) {
                    if (c.getKey().startsWith(g.getKey() + ":")) sub.add(c);
                }
                sub.sort((a, b) -> b.getValue() - a.getValue());
                if (sub.size() > 1
                        || (sub.size() == 1 && !sub.getFirst().getKey().equals(g.getKey()))) {
                    for (var c : sub) {
                        double pct = 100.0 * c.getValue() / total;
                        if (pct >= 0.5)
                            out.printf(
                                    Locale.ROOT,
                                    "      %-42s %5.1f%%%n",
                                    c.getKey()
                                            .substring(g.getKey().length() + 1)
                                            .strip(),
                                    pct);
                    }
                }
            }
        }
    }

    private JfrBreakdown() {}
}
