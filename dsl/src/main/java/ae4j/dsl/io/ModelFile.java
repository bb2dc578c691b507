package ae4j.dsl.io;

import ae4j.dsl.runtime.CompiledModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * A trained model on disk: one safetensors file (see {@code docs/model-format.md}).
 *
 * <p><b>Tensors</b> are the model's parameters, F32, in {@link CompiledModel#paramInfo()} order and under
 * its names: {@code <part>.<layer>.weight} and {@code <part>.<layer>.bias}, e.g. {@code f.0.weight},
 * {@code f.0.bias}, {@code g.1.weight}, where the part is the encoder or decoder name of the DSL and the
 * layer counts from 0. Tensors are stored as PyTorch's {@code torch.nn.Linear} holds them, row-major: a
 * weight is 2-D {@code [out, in]} (y = x W^T + b) and a bias is 1-D {@code [out]}, so
 * {@code load_state_dict} takes the file as it is. When loading, a 2-D {@code [1, out]} bias (the layout files
 * written before ae4j 0.2 used) is accepted as well.
 *
 * <p><b>Metadata</b> (all strings): {@code format} = {@code ae4j.model}, {@code format_version} =
 * {@code 1}, {@code model} = the model name, {@code source} = the DSL program text, {@code config} = the
 * training configuration as a JSON object, {@code metrics} = the final metrics as a JSON object.
 */
public final class ModelFile {

    public static final String FORMAT = "ae4j.model";
    public static final String FORMAT_VERSION = "1";

    /**
     * A saved model.
     *
     * @param modelName the DSL model name
     * @param source the DSL program text ("" when unknown)
     * @param config training configuration (JSON values: String, Long, Double, Boolean, List, Map, null)
     * @param metrics final metrics (same value types)
     * @param tensors the parameters, in file order
     */
    public record Saved(
            String modelName,
            String source,
            Map<String, Object> config,
            Map<String, Object> metrics,
            SequencedMap<String, Safetensors.Tensor> tensors) {}

    private ModelFile() {}

    /** Atomically writes {@code model}'s parameters and the given description to {@code file}. */
    public static void save(
            Path file, CompiledModel model, String source, Map<String, ?> config, Map<String, ?> metrics)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("model", model.name());
        meta.put("source", source == null ? "" : source);
        meta.put("config", Json.write(config == null ? Map.of() : config));
        meta.put("metrics", Json.write(metrics == null ? Map.of() : metrics));
        Safetensors.write(file, paramTensors(model), meta);
    }

    /**
     * Copies of the model's parameters as tensors in the file layout ({@link #fileShape}), in
     * {@link CompiledModel#paramInfo()} order.
     */
    public static List<Safetensors.Tensor> paramTensors(CompiledModel model) {
        List<CompiledModel.ParamInfo> info = model.paramInfo();
        float[][] params = model.params();
        List<Safetensors.Tensor> out = new ArrayList<>(info.size());
        for (int i = 0; i < info.size(); i++) {
            out.add(fileTensor(info.get(i), params[i]));
        }
        return out;
    }

    /**
     * The shape a parameter has in a file: {@code [out]} for a bias (a {@code 1 x out} parameter named
     * {@code *.bias}, PyTorch's layout), {@code [rows, cols]} for everything else (a weight {@code [out, in]},
     * also when out is 1).
     */
    public static int[] fileShape(CompiledModel.ParamInfo p) {
        return isBias(p) ? new int[] {p.cols()} : new int[] {p.rows(), p.cols()};
    }

    /** A copy of {@code values} (at least the parameter's size) as a tensor of {@code p} in the file layout. */
    public static Safetensors.Tensor fileTensor(CompiledModel.ParamInfo p, float[] values) {
        return new Safetensors.Tensor(p.name(), fileShape(p), Arrays.copyOf(values, p.rows() * p.cols()));
    }

    private static boolean isBias(CompiledModel.ParamInfo p) {
        return p.rows() == 1 && p.name().endsWith(".bias");
    }

    /** Reads a model file without a model at hand. */
    public static Saved read(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> meta = c.metadata();
        String format = meta.get("format");
        if (format != null && !FORMAT.equals(format)) {
            throw new SafetensorsException(file + ": this is a " + format + " file, not an ae4j model"
                    + (format.equals(Checkpoint.FORMAT) ? " (load checkpoints with Checkpoint.read)" : ""));
        }
        return new Saved(
                meta.getOrDefault("model", ""),
                meta.getOrDefault("source", ""),
                jsonObject(file, meta, "config"),
                jsonObject(file, meta, "metrics"),
                c.tensors());
    }

    /** Reads {@code file} and copies its tensors into {@code model}; nothing is copied unless all fit. */
    public static Saved load(Path file, CompiledModel model) throws IOException {
        Saved saved = read(file);
        copyInto(file.toString(), saved.tensors(), model);
        return saved;
    }

    /**
     * Copies {@code tensors} into the model's parameters after checking that names and shapes match
     * exactly; otherwise throws a {@link ModelMismatchException} listing every difference and leaves the
     * model unchanged. Tensors whose names do not look like parameters of the model are "extra".
     */
    public static void copyInto(String fileName, SequencedMap<String, Safetensors.Tensor> tensors, CompiledModel model)
            throws ModelMismatchException {
        List<String> diffs = differences(tensors, model);
        if (!diffs.isEmpty()) {
            throw new ModelMismatchException(fileName + " does not fit model " + model.name(), diffs);
        }
        List<String> nonFinite = new java.util.ArrayList<>();
        for (CompiledModel.ParamInfo p : model.paramInfo()) {
            float[] data = tensors.get(p.name()).data();
            for (int j = 0; j < data.length; j++) {
                if (!Float.isFinite(data[j])) {
                    nonFinite.add(p.name() + " holds " + data[j] + " at index " + j);
                    break;
                }
            }
        }
        if (!nonFinite.isEmpty()) {
            throw new ModelMismatchException(
                    fileName + " holds weights that are not finite numbers (a diverged training?); nothing was loaded",
                    nonFinite);
        }
        List<CompiledModel.ParamInfo> info = model.paramInfo();
        float[][] params = model.params();
        for (int i = 0; i < info.size(); i++) {
            float[] src = tensors.get(info.get(i).name()).data();
            System.arraycopy(src, 0, params[i], 0, src.length);
        }
    }

    /** Every way {@code tensors} differ from the model's parameters (empty when they fit). */
    public static List<String> differences(SequencedMap<String, Safetensors.Tensor> tensors, CompiledModel model) {
        List<String> diffs = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        for (CompiledModel.ParamInfo p : model.paramInfo()) {
            known.add(p.name());
            Safetensors.Tensor t = tensors.get(p.name());
            if (t == null) {
                missing.add(p.name() + " (" + Safetensors.shapeText(fileShape(p)) + ")");
                continue;
            }
            if (!fits(t.shape(), p)) {
                diffs.add(p.name() + ": file has " + t.shapeText() + ", model has "
                        + Safetensors.shapeText(fileShape(p)));
            }
        }
        List<String> extra = new ArrayList<>();
        for (Safetensors.Tensor t : tensors.values()) {
            if (!known.contains(t.name())) {
                extra.add(t.name() + " (" + t.shapeText() + ")");
            }
        }
        if (!missing.isEmpty()) {
            diffs.add("missing from the file: " + String.join(", ", missing));
        }
        if (!extra.isEmpty()) {
            diffs.add("in the file but not in the model: " + String.join(", ", extra));
        }
        return diffs;
    }

    /** A tensor fits a parameter in the file layout or as rows x cols ({@code [1, out]} for a bias: old files). */
    private static boolean fits(int[] shape, CompiledModel.ParamInfo p) {
        if (shape.length == 2) {
            return shape[0] == p.rows() && shape[1] == p.cols();
        }
        return shape.length == 1 && p.rows() == 1 && shape[0] == p.cols();
    }

    static Map<String, Object> jsonObject(Path file, Map<String, String> meta, String key) throws SafetensorsException {
        String text = meta.get(key);
        if (text == null || text.isEmpty()) {
            return Map.of();
        }
        try {
            if (Json.parse(text) instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) m;
                return typed;
            }
        } catch (Json.ParseException e) {
            throw new SafetensorsException(file + ": metadata \"" + key + "\" is not valid JSON: " + e.getMessage(), e);
        }
        throw new SafetensorsException(file + ": metadata \"" + key + "\" must be a JSON object");
    }
}
