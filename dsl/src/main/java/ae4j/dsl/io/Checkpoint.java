package ae4j.dsl.io;

import ae4j.dsl.runtime.CompiledModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Everything needed to resume training, in one safetensors file written atomically.
 *
 * <p><b>Tensors</b> (F32, 2-D {@code [rows, cols]} like {@link ModelFile}): the parameters under their own
 * names ({@code f.0.weight}, ...), then each optimizer slot as {@code opt.<slot>.<parameter>}, e.g.
 * {@code opt.m.f.0.weight} and {@code opt.v.f.0.weight} for Adam. Slot names contain no dot.
 *
 * <p><b>Metadata</b> (strings): {@code format} = {@code ae4j.checkpoint}, {@code format_version} =
 * {@code 1}, {@code model}, {@code source} (DSL text), {@code optimizer} (e.g. {@code adam}),
 * {@code step} (optimizer steps taken), {@code epoch} (epochs completed), {@code seed},
 * {@code rng_position} (decimal integers), {@code parameters} (JSON array of the parameter names, in
 * order), {@code config} (JSON object, the training configuration) and
 * {@code extra} (JSON object of strings, anything else a trainer wants back).
 *
 * <p>A checkpoint's {@code params} file section is also a valid model for {@link ModelFile#copyInto}.
 *
 * @param modelName the DSL model name
 * @param source the DSL program text
 * @param params parameter tensors in model order
 * @param optimizer the optimizer's name ("" if none)
 * @param optimizerState slot name -> (parameter name -> tensor), e.g. "m" -> {"f.0.weight" -> ...}
 * @param progress where training stands
 * @param config the training configuration (JSON values)
 * @param extra free-form strings
 */
public record Checkpoint(
        String modelName,
        String source,
        SequencedMap<String, Safetensors.Tensor> params,
        String optimizer,
        SequencedMap<String, SequencedMap<String, Safetensors.Tensor>> optimizerState,
        Progress progress,
        Map<String, Object> config,
        Map<String, String> extra) {

    public static final String FORMAT = "ae4j.checkpoint";
    public static final String FORMAT_VERSION = "1";
    /** Prefix of optimizer-state tensor names. */
    public static final String OPT_PREFIX = "opt.";

    /**
     * Where training stands.
     *
     * @param step optimizer steps taken so far (the next step has this index)
     * @param epoch epochs completed
     * @param seed the run's seed
     * @param rngPosition position of the data-order/noise random stream (counter), 0 if unused
     */
    public record Progress(long step, int epoch, long seed, long rngPosition) {}

    public Checkpoint {
        params = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(params));
        SequencedMap<String, SequencedMap<String, Safetensors.Tensor>> slots = new LinkedHashMap<>();
        for (var e : optimizerState.entrySet()) {
            String slot = e.getKey();
            if (slot.isEmpty() || slot.contains(".")) {
                throw new IllegalArgumentException(
                        "optimizer slot name \"" + slot + "\" must be non-empty without dots");
            }
            for (String p : e.getValue().keySet()) {
                if (!params.containsKey(p)) {
                    throw new IllegalArgumentException(
                            "optimizer slot " + slot + " has state for " + p + ", which is not a parameter");
                }
            }
            slots.put(slot, Collections.unmodifiableSequencedMap(new LinkedHashMap<>(e.getValue())));
        }
        optimizerState = Collections.unmodifiableSequencedMap(slots);
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        source = source == null ? "" : source;
        optimizer = optimizer == null ? "" : optimizer;
    }

    /**
     * Captures {@code model}'s parameters and the optimizer's slot arrays (copies).
     *
     * @param slots slot name -> arrays in {@link CompiledModel#params()} order, same shapes (e.g. "m", "v");
     *     a null entry means no state for that parameter
     */
    public static Checkpoint capture(
            CompiledModel model,
            String source,
            String optimizer,
            Map<String, float[][]> slots,
            Progress progress,
            Map<String, ?> config,
            Map<String, String> extra) {
        List<CompiledModel.ParamInfo> info = model.paramInfo();
        SequencedMap<String, Safetensors.Tensor> params = new LinkedHashMap<>();
        for (Safetensors.Tensor t : ModelFile.paramTensors(model)) {
            params.put(t.name(), t);
        }
        SequencedMap<String, SequencedMap<String, Safetensors.Tensor>> state = new LinkedHashMap<>();
        for (var e : slots.entrySet()) {
            float[][] arrays = e.getValue();
            if (arrays.length != info.size()) {
                throw new IllegalArgumentException("optimizer slot " + e.getKey() + " has " + arrays.length
                        + " arrays but the model has " + info.size() + " parameters");
            }
            SequencedMap<String, Safetensors.Tensor> one = new LinkedHashMap<>();
            for (int i = 0; i < info.size(); i++) {
                CompiledModel.ParamInfo p = info.get(i);
                if (arrays[i] == null) {
                    continue; // this optimizer keeps no such state for this parameter
                }
                int n = p.rows() * p.cols();
                if (arrays[i].length < n) {
                    throw new IllegalArgumentException("optimizer slot " + e.getKey() + ", " + p.name() + ": "
                            + arrays[i].length + " values, need " + n);
                }
                one.put(p.name(), ModelFile.fileTensor(p, arrays[i]));
            }
            state.put(e.getKey(), one);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = config == null ? Map.of() : (Map<String, Object>) config;
        return new Checkpoint(
                model.name(), source, params, optimizer, state, progress, cfg, extra == null ? Map.of() : extra);
    }

    /** Atomically writes this checkpoint to {@code file}. */
    public void write(Path file) throws IOException {
        List<Safetensors.Tensor> tensors = new ArrayList<>(params.values());
        for (var slot : optimizerState.entrySet()) {
            for (Safetensors.Tensor t : slot.getValue().values()) {
                tensors.add(new Safetensors.Tensor(OPT_PREFIX + slot.getKey() + "." + t.name(), t.shape(), t.data()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("model", modelName);
        meta.put("source", source);
        meta.put("optimizer", optimizer);
        meta.put("step", Long.toString(progress.step()));
        meta.put("epoch", Integer.toString(progress.epoch()));
        meta.put("seed", Long.toString(progress.seed()));
        meta.put("rng_position", Long.toString(progress.rngPosition()));
        meta.put("parameters", Json.write(params.keySet()));
        meta.put("config", Json.write(config));
        meta.put("extra", Json.write(extra));
        Safetensors.write(file, tensors, meta);
    }

    /** Reads a checkpoint written by {@link #write}. */
    public static Checkpoint read(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> meta = c.metadata();
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw new SafetensorsException(file + ": not an ae4j checkpoint (metadata format is "
                    + (format == null ? "missing" : "\"" + format + "\"") + ", expected \"" + FORMAT + "\")");
        }
        if (!FORMAT_VERSION.equals(meta.get("format_version"))) {
            throw new SafetensorsException(file + ": checkpoint format version " + meta.get("format_version")
                    + " is not supported (this ae4j reads version " + FORMAT_VERSION + ")");
        }
        // The parameter names are listed in the metadata, so a parameter may itself start with "opt.".
        List<String> paramNames = new ArrayList<>();
        String listed = meta.get("parameters");
        try {
            if (listed == null || !(Json.parse(listed) instanceof List<?> names)) {
                throw new SafetensorsException(
                        file + ": checkpoint metadata \"parameters\" must list the parameter names");
            }
            for (Object n : names) {
                if (!(n instanceof String name) || !c.tensors().containsKey(name)) {
                    throw new SafetensorsException(
                            file + ": checkpoint lists parameter " + Json.write(n) + " but holds no such tensor");
                }
                paramNames.add(name);
            }
        } catch (Json.ParseException e) {
            throw new SafetensorsException(
                    file + ": checkpoint metadata \"parameters\" is not valid JSON: " + e.getMessage(), e);
        }
        SequencedMap<String, Safetensors.Tensor> params = new LinkedHashMap<>();
        for (String n : paramNames) {
            params.put(n, c.tensors().get(n));
        }
        SequencedMap<String, SequencedMap<String, Safetensors.Tensor>> state = new LinkedHashMap<>();
        for (Safetensors.Tensor t : c.tensors().values()) {
            if (params.containsKey(t.name())) {
                continue;
            }
            if (!t.name().startsWith(OPT_PREFIX)) {
                throw new SafetensorsException(file + ": tensor \"" + t.name()
                        + "\" is neither a listed parameter nor optimizer state (opt.<slot>.<parameter>)");
            }
            String rest = t.name().substring(OPT_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || !params.containsKey(rest.substring(dot + 1))) {
                throw new SafetensorsException(file + ": optimizer tensor \"" + t.name()
                        + "\" does not name a slot and a parameter of this checkpoint (opt.<slot>.<parameter>)");
            }
            String param = rest.substring(dot + 1);
            state.computeIfAbsent(rest.substring(0, dot), k -> new LinkedHashMap<>())
                    .put(param, new Safetensors.Tensor(param, t.shape(), t.data()));
        }
        for (Safetensors.Tensor t : c.tensors().values()) {
            float[] d = t.data();
            for (int j = 0; j < d.length; j++) {
                if (!Float.isFinite(d[j])) {
                    throw new SafetensorsException(file + ": tensor \"" + t.name() + "\" holds " + d[j] + " at index "
                            + j + "; a checkpoint of a training that diverged cannot be resumed: resume from an "
                            + "earlier checkpoint or start afresh");
                }
            }
        }
        for (var slot : state.entrySet()) {
            for (Safetensors.Tensor t : slot.getValue().values()) {
                Safetensors.Tensor p = params.get(t.name());
                if (!Arrays.equals(t.shape(), p.shape())) {
                    throw new SafetensorsException(file + ": optimizer tensor \"" + OPT_PREFIX + slot.getKey() + "."
                            + t.name() + "\" is " + t.shapeText() + " but its parameter is " + p.shapeText()
                            + "; the checkpoint is corrupt");
                }
            }
        }
        Progress progress = new Progress(
                count(file, meta, "step", Long.MAX_VALUE),
                (int) count(file, meta, "epoch", Integer.MAX_VALUE),
                number(file, meta, "seed"),
                count(file, meta, "rng_position", Long.MAX_VALUE));
        Map<String, String> extra = new LinkedHashMap<>();
        for (var e : ModelFile.jsonObject(file, meta, "extra").entrySet()) {
            extra.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return new Checkpoint(
                meta.getOrDefault("model", ""),
                meta.get("source"),
                params,
                meta.get("optimizer"),
                state,
                progress,
                ModelFile.jsonObject(file, meta, "config"),
                extra);
    }

    /** Copies the parameters into {@code model} after checking names and shapes (see {@link ModelFile#copyInto}). */
    public void restoreParams(String fileName, CompiledModel model) throws ModelMismatchException {
        ModelFile.copyInto(fileName, params, model);
    }

    /**
     * The optimizer slot's arrays in {@code model}'s parameter order, ready for the optimizer (fresh copies).
     *
     * @throws IllegalArgumentException if the slot is absent or lacks a parameter
     */
    public float[][] slotArrays(String slot, CompiledModel model) {
        SequencedMap<String, Safetensors.Tensor> s = optimizerState.get(slot);
        if (s == null) {
            throw new IllegalArgumentException(
                    "the checkpoint has no optimizer slot \"" + slot + "\" (it has " + optimizerState.keySet() + ")");
        }
        List<CompiledModel.ParamInfo> info = model.paramInfo();
        float[][] out = new float[info.size()][];
        for (int i = 0; i < info.size(); i++) {
            CompiledModel.ParamInfo p = info.get(i);
            Safetensors.Tensor t = s.get(p.name());
            if (t == null || t.data().length != p.rows() * p.cols()) {
                throw new IllegalArgumentException("optimizer slot " + slot + ": "
                        + (t == null
                                ? "no state for " + p.name()
                                : p.name() + " has " + t.shapeText() + ", model has " + p.rows() + " x " + p.cols()));
            }
            out[i] = t.data().clone();
        }
        return out;
    }

    /**
     * Converts optimizer state keyed {@code <slot>.<parameter index>} (as {@code ae4j.dsl.train.Optimizer#state}
     * gives it: "m.0", "v.0", "m.1", ...) into slot arrays for {@link #capture}; missing entries are null.
     */
    public static Map<String, float[][]> slotsFromIndexed(Map<String, float[]> state, int paramCount) {
        Map<String, float[][]> slots = new LinkedHashMap<>();
        for (var e : state.entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            int index;
            try {
                index = dot <= 0 ? -1 : Integer.parseInt(key.substring(dot + 1));
            } catch (NumberFormatException notIndex) {
                index = -1;
            }
            if (index < 0 || index >= paramCount) {
                throw new IllegalArgumentException("optimizer state key \"" + key
                        + "\" is not <slot>.<parameter index> with an index below " + paramCount);
            }
            slots.computeIfAbsent(key.substring(0, dot), k -> new float[paramCount][])[index] = e.getValue();
        }
        return slots;
    }

    /**
     * The optimizer state keyed {@code <slot>.<parameter index>} in {@code model}'s parameter order (fresh
     * copies), the inverse of {@link #slotsFromIndexed}, for {@code ae4j.dsl.train.Optimizer#restore}.
     */
    public Map<String, float[]> indexedState(CompiledModel model) {
        List<CompiledModel.ParamInfo> info = model.paramInfo();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < info.size(); i++) {
            for (var slot : optimizerState.entrySet()) {
                Safetensors.Tensor t = slot.getValue().get(info.get(i).name());
                if (t != null) {
                    out.put(slot.getKey() + "." + i, t.data().clone());
                }
            }
        }
        return out;
    }

    /** A metadata number that counts something: from 0 to {@code max}. */
    private static long count(Path file, Map<String, String> meta, String key, long max) throws SafetensorsException {
        long v = number(file, meta, key);
        if (v < 0 || v > max) {
            throw new SafetensorsException(file + ": checkpoint metadata \"" + key + "\" is " + v
                    + "; it counts, so it " + "must be from 0 to " + max + " (the checkpoint is corrupt)");
        }
        return v;
    }

    private static long number(Path file, Map<String, String> meta, String key) throws SafetensorsException {
        String v = meta.get(key);
        if (v == null) {
            throw new SafetensorsException(file + ": checkpoint metadata lacks \"" + key + "\"");
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new SafetensorsException(file + ": checkpoint metadata \"" + key + "\" is not an integer: " + v);
        }
    }
}
