package ae4j.bench;

import ae4j.dsl.compile.Lowering;
import ae4j.dsl.compile.ModelCompiler;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import ae4j.dsl.io.Json;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.io.Safetensors;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.train.Optimizer;
import ae4j.dsl.train.TrainConfig;
import ae4j.dsl.train.Trainer;
import ae4j.vecmath.Parallel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The ae4j side of {@code ae4j bench compare}: one process per table row, started by {@link CompareBench}.
 * It speaks the same JSON-lines protocol as bench/python/compare_torch.py: after loading the data,
 * building the model, writing its initial weights (Glorot normal, seed 1, as {@code ae4j run}
 * initialises) for the PyTorch side and warming the JIT up, it prints {"type": "ready"}; then it answers
 * {@code run}, {@code initial}, {@code grads}, {@code split} (a timed epoch with a timer per phase), {@code quit} read from stdin (see the python script's documentation),
 * and, ae4j only, {@code gemms}: the GEMMs of one training step timed alone ({@link StepGemms}).
 *
 * <p>The encode mode runs the generated class's {@code encode} up to the code (activations fused into the GEMMs).
 *
 * <p>A run trains one epoch through the whole training runtime ({@link Trainer}: shuffle, batch copy,
 * generated forward/backward, Adam), from a fresh copy of the initial weights and a fresh optimizer.
 */
public final class CompareWorker {

    static final long SEED = 1;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String model = o.getOrDefault("model", "mid");
        String mode = o.getOrDefault("mode", "train");
        int batch = Integer.parseInt(o.getOrDefault("batch", "128"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "1"));
        int examples = Integer.parseInt(o.getOrDefault("examples", "0"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "40"));
        int passes = Integer.parseInt(o.getOrDefault("passes", "1"));
        int checkRows = Integer.parseInt(o.getOrDefault("check-rows", "10000"));
        int gemmReps = Integer.parseInt(o.getOrDefault("gemm-reps", "9"));
        Path images = Path.of(o.getOrDefault("images", TrainBench.IMAGES.toString()));

        Dataset ds = IdxReader.read("train", images, null);
        int d = ds.dim();
        int n = examples > 0 ? Math.min(examples, ds.size()) : ds.size();
        float[] x = ds.values(); // owned by this process: scaled in place, no copy
        for (int i = 0; i < n * d; i++) x[i] *= 1f / 255f;

        CompiledModel m = CompareModels.compile(model, batch, ModelCompiler.withDefaultCache(), SEED);
        Parallel.setThreads(threads);
        float[][] init = copy(m.params());
        if (o.containsKey("init-out"))
            Safetensors.write(Path.of(o.get("init-out")), ModelFile.paramTensors(m), Map.of());

        Side side = new Side(m, model, x, n, d, batch, Math.min(n, checkRows));
        if (mode.equals("encode")) {
            for (int i = 0; i < Math.max(1, warmup / 10); i++) side.encodePass();
        } else {
            // The JIT compiles the step on the first batches; the timed runs then start from fresh weights.
            side.train(Math.min(n, Math.max(1, warmup) * batch));
        }
        restore(m, init);

        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("type", "ready");
        ready.put("side", "ae4j");
        ready.put("java", Runtime.version().toString());
        ready.put("threads", Parallel.threads());
        ready.put("examples", n);
        ready.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        emit(ready);

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        // the peak resident memory before the first GEMMs-alone run (-1: none yet): the harness asks for one after
        // each epoch, so this is the first epoch's peak (the later epochs allocate nothing more)
        long hwmBeforeGemms = -1;
        while ((line = in.readLine()) != null) {
            String cmd = line.strip();
            Map<String, Object> r = new LinkedHashMap<>();
            switch (cmd) {
                case "run" -> {
                    restore(m, init);
                    r.put("type", "result");
                    if (mode.equals("encode")) {
                        long t0 = System.nanoTime();
                        for (int p = 0; p < passes; p++) side.encodePass();
                        r.put("seconds", (System.nanoTime() - t0) / 1e9);
                        r.put("examples", (long) n * passes);
                        r.put("initial_loss", side.meanCode());
                        r.put("final_loss", null);
                    } else {
                        double before = side.initialObjective();
                        long wallStart = System.currentTimeMillis();
                        Trainer.Result t = side.train(n);
                        r.put("wall_start_ms", wallStart);
                        r.put("wall_end_ms", System.currentTimeMillis());
                        r.put("seconds", t.seconds());
                        r.put("examples", n);
                        r.put("initial_loss", before);
                        r.put("final_loss", t.finalTrainLoss());
                    }
                }
                case "initial" -> {
                    restore(m, init);
                    r.put("type", "initial");
                    r.put("loss", mode.equals("encode") ? side.meanCode() : side.initialObjective());
                }
                case "split" -> {
                    restore(m, init);
                    r.put("type", "split");
                    r.putAll(side.split());
                }
                case "gemms" -> {
                    // the GEMMs-alone run allocates buffers of its own: the memory reported is the training's
                    if (hwmBeforeGemms < 0) hwmBeforeGemms = vmHwmKb();
                    r.put("type", "gemms");
                    r.putAll(side.gemmsAlone(model, gemmReps));
                }
                case "grads" -> {
                    restore(m, init);
                    r.put("type", "grads");
                    r.put("loss", m.forwardBackward(x, Math.min(batch, n), SEED, 0));
                    Map<String, Object> norms = new LinkedHashMap<>();
                    for (int i = 0; i < m.paramInfo().size(); i++)
                        norms.put(m.paramInfo().get(i).name(), norm(m.grads()[i]));
                    r.put("norms", norms);
                }
                case "quit" -> {
                    r.put("type", "memory");
                    r.put("vmhwm_kb", hwmBeforeGemms >= 0 ? hwmBeforeGemms : vmHwmKb());
                    emit(r);
                    return;
                }
                case "" -> {
                    continue;
                }
                default -> {
                    r.put("type", "error");
                    r.put("message", "unknown command '" + cmd + "'");
                }
            }
            emit(r);
        }
    }

    /** What one row runs on the ae4j side. */
    static final class Side {
        final CompiledModel m;
        final float[] x;
        final int n;
        final int d;
        final int batch;
        final int checkRows;
        final TrainConfig cfg;
        /** The code node and its width (what encode computes). */
        final int code;

        final int codeWidth;
        final float[] buf;

        Side(CompiledModel m, String model, float[] x, int n, int d, int batch, int checkRows) {
            this.m = m;
            this.x = x;
            this.n = n;
            this.d = d;
            this.batch = batch;
            this.checkRows = checkRows;
            this.cfg = TrainConfig.defaults()
                    .withEpochs(1)
                    .withBatch(batch)
                    .withSeed(SEED)
                    .withOptimizer("adam", Map.of("lr", 1e-3));
            Lowering.Lowered ir = Lowering.lowerWithRoles(CompareModels.checked(model));
            this.code = ir.code();
            this.codeWidth = ir.graph().width(code);
            this.buf = new float[batch * d];
        }

        /** One epoch over the first {@code rows} examples, with a fresh Adam. */
        Trainer.Result train(int rows) {
            return new Trainer(m, cfg, null).train(x, rows, d);
        }

        /** The objective (no corruption) averaged over the first checkRows examples, in batches. */
        double initialObjective() {
            double sum = 0;
            for (int from = 0; from < checkRows; from += batch) {
                int rows = Math.min(batch, checkRows - from);
                System.arraycopy(x, from * d, buf, 0, rows * d);
                sum += m.loss(buf, rows, SEED, 0, false) * rows;
            }
            return sum / checkRows;
        }

        /**
         * One epoch as {@link Trainer} runs it (shuffle, then per batch: gather the rows, the step with Adam's update
         * inside it), with a timer around each phase; seconds per phase and in all.
         */
        Map<String, Object> split() {
            float[][] params = m.params();
            Optimizer opt = Optimizer.of("adam", Map.of("lr", 1e-3), params);
            float[][] grads = m.grads();
            ae4j.dsl.runtime.ParamUpdate inside = opt.inside(1e-3, params, grads, objective -> true);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            long shuffle = 0, gather = 0, step = 0;
            double sum = 0;
            long t0 = System.nanoTime();
            SplittableRandom rnd = new SplittableRandom(SEED * 1_000_003L);
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            long t1 = System.nanoTime();
            shuffle += t1 - t0;
            long steps = 0;
            ae4j.dsl.runtime.BatchGather gatherer = new ae4j.dsl.runtime.BatchGather();
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                long a = System.nanoTime();
                gatherer.gather(x, d, idx, from, rows, buf);
                long b = System.nanoTime();
                // as the Trainer steps (no clipping): the update inside the step, none after it
                double loss = m.forwardBackward(buf, rows, SEED, steps++, inside);
                long c = System.nanoTime();
                gather += b - a;
                step += c - b;
                sum += loss * rows;
            }
            double total = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seconds", total);
            out.put("shuffle", shuffle / 1e9);
            out.put("gather", gather / 1e9);
            out.put("forward_backward", step / 1e9);
            out.put("steps", steps);
            out.put("final_loss", sum / n);
            return out;
        }

        /** The codes of every example, batch by batch, through the generated class's encode. */
        void encodePass() {
            for (int from = 0; from < n; from += batch) encode(from, Math.min(batch, n - from));
        }

        /** Rows [from, from + rows) to their codes: the first rows * codeWidth values of {@code m.value(code)}. */
        float[] encode(int from, int rows) {
            m.encode(x, from, rows, code);
            return m.value(code);
        }

        /** The step's GEMMs, built on the first {@link #gemmsAlone} and reused after every later epoch. */
        private StepGemms stepGemms;

        /**
         * The GEMMs of one training step of the model at this batch alone ({@link StepGemms}): examples/s, median of
         * {@code reps} repetitions after a warm-up, with the slowest and fastest.
         */
        Map<String, Object> gemmsAlone(String model, int reps) {
            if (stepGemms == null) stepGemms = CompareModels.stepGemms(model, batch);
            StepGemms g = stepGemms;
            Harness h = reps <= 5 ? new Harness(400, 30, reps) : new Harness(800, 60, reps);
            Harness.Result res = h.rate(g::run, batch);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("examples_per_second", res.median());
            out.put("min", res.min());
            out.put("max", res.max());
            out.put("reps", reps);
            return out;
        }

        /** The mean code value over the first checkRows examples (a checksum both sides compute). */
        double meanCode() {
            double sum = 0;
            int w = codeWidth;
            for (int from = 0; from < checkRows; from += batch) {
                int rows = Math.min(batch, checkRows - from);
                float[] h = encode(from, rows);
                for (int i = 0; i < rows * w; i++) sum += h[i];
            }
            return sum / ((double) checkRows * w);
        }
    }

    static long vmHwmKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:"))
                    return Long.parseLong(l.substring(6).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

    private static double norm(float[] g) {
        double s = 0;
        for (float v : g) s += (double) v * v;
        return Math.sqrt(s);
    }

    static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    static void restore(CompiledModel m, float[][] init) {
        for (int i = 0; i < init.length; i++) System.arraycopy(init[i], 0, m.params()[i], 0, init[i].length);
    }

    private static void emit(Map<String, Object> message) {
        System.out.println(Json.write(message));
        System.out.flush();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("worker options are --name value pairs, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private CompareWorker() {}
}
