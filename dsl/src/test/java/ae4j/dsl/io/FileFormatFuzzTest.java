package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates valid data and model files (IDX raw and gzipped, NPY, CSV, model files, checkpoints; see the
 * {@link FuzzedFormat}s) and reads each as {@code ae4j run} would. Every case must end in a read whose
 * values keep the format's promises, or in the format's error for the user naming the file: never another
 * exception, an OutOfMemoryError or a read slower than {@link #LIMIT_MS}. Prints per format the cases, the
 * reads, the refusals and the slowest case. Seed: AE4J_FUZZ_SEED (default fixed); count: AE4J_FUZZ_COUNT
 * (default 10,000, shared by the formats in turn).
 */
class FileFormatFuzzTest {

    /** The longest one case may take. */
    static final long LIMIT_MS = 2_000;

    /**
     * The most one case may allocate: the files are kilobytes (a megabyte or four of zeros when gunzipped),
     * so more means a size claimed by a header was allocated before the data was there.
     */
    static final long MAX_ALLOCATED = 64L << 20;

    private static final com.sun.management.ThreadMXBean MEMORY =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    /** Counts of one format. */
    static final class Tally {
        final String name;
        int cases;
        int ok;
        int rejected;
        long slowestNanos;
        long mostAllocated;
        String slowest = "";

        Tally(String name) {
            this.name = name;
        }
    }

    @Test
    void everyMutatedFileReadsOrIsRefusedNamingTheFile() throws Exception {
        long seed = envLong("AE4J_FUZZ_SEED", 1409L);
        int count = (int) envLong("AE4J_FUZZ_COUNT", 10_000);
        List<FuzzedFormat> formats = List.of(
                new IdxFuzz(dir, false),
                new IdxFuzz(dir, true),
                new NpyFuzz(dir),
                new CsvFuzz(dir),
                new ModelFileFuzz(dir),
                new CheckpointFuzz(dir));
        for (FuzzedFormat f : formats) f.checkSeeds();
        List<Tally> tallies = formats.stream().map(f -> new Tally(f.name())).toList();
        Map<String, String> failures = new LinkedHashMap<>(); // the first case of each kind of failure
        ExecutorService reader = newReader();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                FuzzedFormat format = formats.get(i % formats.size());
                Tally tally = tallies.get(i % formats.size());
                FileMutator m = new FileMutator(new Random(seed * 1_000_003L + i));
                FuzzedFormat.Case c = format.mutated(m);
                long t0 = System.nanoTime();
                AtomicLong allocated = new AtomicLong();
                Future<String> read = reader.submit(() -> {
                    long before = MEMORY.getCurrentThreadAllocatedBytes();
                    try {
                        return c.read().run();
                    } finally {
                        allocated.set(MEMORY.getCurrentThreadAllocatedBytes() - before);
                    }
                });
                try {
                    read.get(LIMIT_MS, TimeUnit.MILLISECONDS);
                    tally.ok++;
                } catch (TimeoutException e) {
                    read.cancel(true);
                    reader.shutdownNow();
                    reader = newReader();
                    failures.putIfAbsent(
                            format.name() + " timeout",
                            "reading took over " + LIMIT_MS + " ms: " + describe(i, seed, format, m, c));
                } catch (ExecutionException e) {
                    Throwable t = e.getCause();
                    String msg = t.getMessage();
                    if (!format.isUserError(t)) {
                        failures.putIfAbsent(
                                format.name() + " " + signature(t),
                                "not the user's error: " + trace(t) + describe(i, seed, format, m, c));
                    } else if (msg == null || !msg.contains(c.file().toString())) {
                        failures.putIfAbsent(
                                format.name() + " unnamed " + t.getClass().getSimpleName(),
                                "the message does not name " + c.file() + ": " + msg + "\n"
                                        + describe(i, seed, format, m, c));
                    } else {
                        tally.rejected++;
                    }
                }
                long dt = System.nanoTime() - t0;
                tally.mostAllocated = Math.max(tally.mostAllocated, allocated.get());
                if (allocated.get() > MAX_ALLOCATED) {
                    failures.putIfAbsent(
                            format.name() + " allocation",
                            "reading allocated " + (allocated.get() >> 20) + " MB: " + describe(i, seed, format, m, c));
                }
                tally.cases++;
                if (dt > tally.slowestNanos) {
                    tally.slowestNanos = dt;
                    tally.slowest = "case " + i + ": " + m.log();
                }
            }
        } finally {
            reader.shutdownNow();
        }
        for (Tally t : tallies) {
            System.out.printf(
                    "fuzz %-10s %5d cases, %5d read ok, %5d rejected with a clear error, slowest %.1f ms, "
                            + "most allocated %.1f MB (slowest: %s)%n",
                    t.name, t.cases, t.ok, t.rejected, t.slowestNanos / 1e6, t.mostAllocated / 1048576.0, t.slowest);
        }
        System.out.printf(
                "fuzz: %d mutated files (seed %d) in %.1f s, %d kinds of failure%n",
                count, seed, (System.nanoTime() - start) / 1e9, failures.size());
        assertTrue(
                failures.isEmpty(),
                () -> failures.size() + " kinds of failure:\n\n" + String.join("\n\n", failures.values()));
        for (Tally t : tallies) assertTrue(t.ok + t.rejected == t.cases, t.name);
    }

    private static ExecutorService newReader() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "fuzz-reader");
            t.setDaemon(true); // a read that never ends must not keep the test JVM alive
            return t;
        });
    }

    /** The exception's class and where it was thrown in ae4j, to tell kinds of failure apart. */
    private static String signature(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("ae4j.")) return t.getClass().getName() + " at " + e;
        }
        return t.getClass().getName();
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        return String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, 12))) + "\n";
    }

    private static String describe(int i, long seed, FuzzedFormat f, FileMutator m, FuzzedFormat.Case c) {
        byte[] b = c.bytes();
        int shown = Math.min(b.length, 160);
        return f.name() + " case " + i + " (AE4J_FUZZ_SEED=" + seed + "), " + c.file() + " mutated by: " + m.log()
                + "\n" + b.length + " bytes, starting " + HexFormat.of().formatHex(b, 0, shown);
    }

    static long envLong(String name, long dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
    }
}
