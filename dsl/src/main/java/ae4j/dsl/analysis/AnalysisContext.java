package ae4j.dsl.analysis;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.compile.Lowering;
import ae4j.dsl.data.Dataset;
import ae4j.dsl.runtime.CompiledModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What an analysis gets: its defaulted arguments (as the checker resolved them), the trained model (its
 * parameters are {@code model.params()}, named by {@code model.paramInfo()}), the model's IR with the roles
 * of its nodes, the checked declaration (layers, activations, corruption), the data set, a folder for
 * files, and where to print.
 */
public record AnalysisContext(String name, Map<String, Object> args, CompiledModel model, Lowering.Lowered ir,
                              CheckedModel checked, Dataset data, Path dir, PrintStream out, PrintStream err) {

    public double number(String key, double dflt) {
        return args.get(key) instanceof Number n ? n.doubleValue() : dflt;
    }

    public int integer(String key, int dflt) {
        return args.get(key) instanceof Number n ? n.intValue() : dflt;
    }
}
