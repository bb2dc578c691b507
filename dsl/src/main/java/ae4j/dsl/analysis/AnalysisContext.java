package ae4j.dsl.analysis;

import ae4j.dsl.check.Builtins;
import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.runtime.CompiledModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * What an analysis gets: its defaulted arguments (as the checker resolved them), the trained model (its
 * parameters are {@code model.params()}, named by {@code model.paramInfo()}), the model's IR with the roles
 * of its nodes, the checked declaration (layers, activations, corruption), the data set, a folder for
 * files, where to print, and the program's other data sets by name (for arguments such as
 * {@code pca_baseline(fit: train)}).
 */
public record AnalysisContext(
        String name,
        Map<String, Object> args,
        CompiledModel model,
        Lowering.Lowered ir,
        CheckedModel checked,
        Dataset data,
        Path dir,
        PrintStream out,
        PrintStream err,
        Function<String, Dataset> dataSets) {

    /** A context whose only data set is {@code data}. */
    public AnalysisContext(
            String name,
            Map<String, Object> args,
            CompiledModel model,
            Lowering.Lowered ir,
            CheckedModel checked,
            Dataset data,
            Path dir,
            PrintStream out,
            PrintStream err) {
        this(name, args, model, ir, checked, data, dir, out, err, null);
    }

    /** An integer argument; when absent, the built-in's default (the registry in {@code Builtins} is where they live). */
    public int integer(String key) {
        Object v = args.containsKey(key)
                ? args.get(key)
                : Builtins.withDefaults(Builtins.Kind.ANALYSIS, name, args).get(key);
        if (v instanceof Number n) return n.intValue();
        throw new IllegalArgumentException(name + " needs an integer " + key + ", got " + v);
    }

    /** An integer argument whose default depends on the model or the data ("code size"), or that may be absent. */
    public int integerOr(String key, int derived) {
        return args.get(key) instanceof Number n ? n.intValue() : derived;
    }

    /** The data set named {@code name}: the analysed one, or another data set of the program. */
    public Dataset dataSet(String name) {
        if (name.equals(data.name())) return data;
        if (dataSets == null)
            throw new IllegalArgumentException("no data set named '" + name + "' is available to " + this.name);
        return dataSets.apply(name);
    }
}
