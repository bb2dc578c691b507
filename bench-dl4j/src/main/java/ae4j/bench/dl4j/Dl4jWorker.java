package ae4j.bench.dl4j;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.IdxReader;
import ae4j.dsl.io.Json;
import ae4j.dsl.io.Safetensors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The Deeplearning4j side of {@code ae4j bench compare}: a {@link MultiLayerNetwork} with the same dense
 * layers as the ae4j model, on the ND4J CPU backend (native, OpenBLAS), trained with the same objective
 * (Bernoulli NLL summed over pixels, batch mean: an {@code XENT} output layer), Adam 1e-3, batch and thread
 * count, from the initial weights the ae4j worker wrote. It speaks the JSON-lines protocol of
 * bench/python/compare_torch.py ({@code ready}; commands {@code run}, {@code initial}, {@code quit}). With
 * {@code --limit N} a run times the first N examples of the shuffled epoch only (Deeplearning4j is an order
 * of magnitude slower; its examples per second are the same on a part of the epoch).
 *
 * <p>The contractive model is not expressible as a MultiLayerNetwork of standard layers (tied weights and
 * a penalty on the encoder's Jacobian): for it the worker reports an error the harness shows as a dash.
 */
public final class Dl4jWorker {

    /** Encoder and decoder layers of each model: {in, out, activation}; the last decoder layer is the output. */
    static final Map<String, String[][]> MODELS = Map.of(
            "mid", new String[][] {{"784", "256", "relu"}, {"256", "64", "sigmoid"}, {"64", "256", "relu"}, {"256", "784", "sigmoid"}},
            "dae", new String[][] {{"784", "256", "relu"}, {"256", "64", "sigmoid"}, {"64", "256", "relu"}, {"256", "784", "sigmoid"}},
            "deep", new String[][] {{"784", "1000", "sigmoid"}, {"1000", "500", "sigmoid"}, {"500", "250", "sigmoid"},
                {"250", "30", "identity"}, {"30", "250", "sigmoid"}, {"250", "500", "sigmoid"}, {"500", "1000", "sigmoid"},
                {"1000", "784", "sigmoid"}});

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        String model = o.getOrDefault("model", "mid");
        if (!o.getOrDefault("mode", "train").equals("train")) fail("the Deeplearning4j side measures training only");
        if (!MODELS.containsKey(model)) {
            fail("model '" + model + "' is not expressible as a Deeplearning4j MultiLayerNetwork of standard layers "
                    + "(tied weights, contractive penalty)");
        }
        int batch = Integer.parseInt(o.getOrDefault("batch", "128"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "1"));
        int examples = Integer.parseInt(o.getOrDefault("examples", "0"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "40"));
        int checkRows = Integer.parseInt(o.getOrDefault("check-rows", "10000"));
        int limit = Integer.parseInt(o.getOrDefault("limit", "0"));   // examples per timed run (0: the whole epoch)
        Path images = Path.of(o.getOrDefault("images", "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"));

        Dataset ds = IdxReader.read("train", images, null);
        int d = ds.dim();
        int n = examples > 0 ? Math.min(examples, ds.size()) : ds.size();
        float[] x = ds.values();
        for (int i = 0; i < n * d; i++) x[i] *= 1f / 255f;

        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(model));
        net.init();
        Map<String, float[]> init = Safetensors.read(Path.of(o.get("init"))).tensors().entrySet().stream()
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue().data()), Map::putAll);
        INDArray initial = initialParams(net, model, init);
        Worker w = new Worker(net, initial, x, n, d, batch, Math.min(n, checkRows), model.equals("dae"));
        w.epoch(Math.min(n, Math.max(1, warmup) * batch));   // warm-up
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("type", "ready");
        ready.put("side", "dl4j");
        ready.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        ready.put("blas", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        ready.put("threads", threads);
        ready.put("omp_threads", System.getenv("OMP_NUM_THREADS"));
        emit(ready);

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.strip()) {
                case "run" -> {
                    w.reset();
                    double before = w.initialObjective();
                    long t0 = System.nanoTime();
                    double[] r = w.epoch(limit > 0 ? Math.min(limit, n) : n);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    emit(Map.of("type", "result", "seconds", secs, "examples", r[1], "initial_loss", before, "final_loss", r[0]));
                }
                case "initial" -> {
                    w.reset();
                    emit(Map.of("type", "initial", "loss", w.initialObjective()));
                }
                case "quit" -> {
                    emit(Map.of("type", "memory", "vmhwm_kb", vmhwmKb()));
                    System.exit(0);
                }
                default -> emit(Map.of("type", "error", "message", "unknown command '" + line.strip() + "'"));
            }
        }
    }

    static MultiLayerConfiguration configuration(String model) {
        String[][] layers = MODELS.get(model);
        var list = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list();
        for (int i = 0; i < layers.length; i++) {
            int in = Integer.parseInt(layers[i][0]);
            int out = Integer.parseInt(layers[i][1]);
            Activation act = Activation.fromString(layers[i][2]);
            if (i == layers.length - 1) {
                list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(in).nOut(out).activation(act).build());
            } else {
                DenseLayer.Builder b = new DenseLayer.Builder().nIn(in).nOut(out).activation(act);
                if (i == 0 && model.equals("dae")) b.dropOut(new GaussianNoise(0.3));   // x~ = x + 0.3 N(0, I), training only
                list.layer(b.build());
            }
        }
        return list.build();
    }

    /** Copies ae4j's initial weights (f.i / g.i, weight out x in, bias) into the network; returns a copy of all params. */
    static INDArray initialParams(MultiLayerNetwork net, String model, Map<String, float[]> init) {
        String[][] layers = MODELS.get(model);
        int enc = layers.length / 2;
        for (int i = 0; i < layers.length; i++) {
            String prefix = i < enc ? "f." + i : "g." + (i - enc);
            int in = Integer.parseInt(layers[i][0]);
            int out = Integer.parseInt(layers[i][1]);
            float[] w = init.get(prefix + ".weight");
            float[] b = init.get(prefix + ".bias");
            if (w == null || b == null || w.length != in * out || b.length != out) {
                fail("initial weights file lacks " + prefix + ".weight [" + out + " x " + in + "] or its bias");
            }
            INDArray wOutIn = Nd4j.create(w, new long[] {out, in}, 'c');
            net.getLayer(i).setParam("W", wOutIn.transpose().dup());
            net.getLayer(i).setParam("b", Nd4j.create(b, new long[] {1, out}, 'c'));
        }
        return net.params().dup();
    }

    /** One side's state: the network, the data, a reusable batch buffer. */
    static final class Worker {
        final MultiLayerNetwork net;
        final INDArray initial;
        final float[] x;
        final int n;
        final int d;
        final int batch;
        final int checkRows;
        final boolean noise;
        final int[] perm;
        final float[] buf;

        Worker(MultiLayerNetwork net, INDArray initial, float[] x, int n, int d, int batch, int checkRows, boolean noise) {
            this.net = net;
            this.initial = initial;
            this.x = x;
            this.n = n;
            this.d = d;
            this.batch = batch;
            this.checkRows = checkRows;
            this.noise = noise;
            this.perm = new int[n];
            this.buf = new float[batch * d];
        }

        /** Fresh copy of the initial weights and a fresh Adam. */
        void reset() {
            net.setParams(initial.dup());
            net.getUpdater().getStateViewArray().assign(0);
            net.setIterationCount(0);
            net.setEpochCount(0);
        }

        double initialObjective() {
            double s = 0;
            for (int i = 0; i < checkRows; i += batch) {
                int rows = Math.min(batch, checkRows - i);
                INDArray f = rows(i, rows, null);
                s += net.score(new DataSet(f, f), false) * rows;
            }
            return s / checkRows;
        }

        /** Trains on the first {@code limit} rows of a shuffled epoch; returns {mean loss, examples}. */
        double[] epoch(int limit) {
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < n; i++) perm[i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            double total = 0;
            int seen = 0;
            for (int i = 0; i < limit; i += batch) {
                int rows = Math.min(batch, limit - i);
                INDArray f = rows(i, rows, perm);
                net.fit(new DataSet(f, f));
                total += net.score() * rows;
                seen += rows;
            }
            return new double[] {total / Math.max(1, seen), seen};
        }

        /** Rows of x (shuffled by order, or in order) as a rows x d array (ND4J copies the buffer). */
        private INDArray rows(int from, int rows, int[] order) {
            for (int k = 0; k < rows; k++) {
                int src = order == null ? from + k : order[from + k];
                System.arraycopy(x, src * d, buf, k * d, d);
            }
            return Nd4j.create(rows * d == buf.length ? buf : java.util.Arrays.copyOf(buf, rows * d), new long[] {rows, d}, 'c');
        }
    }

    static long vmhwmKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            // not on Linux
        }
        return -1;
    }

    static void emit(Map<String, Object> m) {
        System.out.println(Json.write(m));
        System.out.flush();
    }

    static void fail(String message) {
        emit(Map.of("type", "error", "message", message));
        System.exit(1);
    }

    private Dl4jWorker() {
    }

}
