package ae4j.dsl.check;

import java.util.List;

/** A program without errors, resolved: data sets, models, and the steps (train, evaluate, save...) in order. */
public record CheckedProgram(List<DataSet> data, List<CheckedModel> models, List<Step> steps) {

    public CheckedProgram {
        data = List.copyOf(data);
        models = List.copyOf(models);
        steps = List.copyOf(steps);
    }

    public CheckedModel model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    public DataSet dataSet(String name) {
        return data.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * A data set: either {@code source} (a data source call with defaulted arguments) or {@code from} (another
     * data set) then {@code transforms} in order. A {@code split} yields two data sets with {@code part} 0 and 1
     * (the first gets the fraction); {@code part} is -1 otherwise.
     */
    public record DataSet(
            String name, CheckedModel.Call source, String from, int part, List<CheckedModel.Call> transforms) {
        public DataSet {
            transforms = List.copyOf(transforms);
        }
    }

    /** What the program does, in order. */
    public sealed interface Step {
        /** {@code train model on data {...}}: every option present with its default when not written (none-options absent). */
        record Train(String model, String data, TrainOptions options) implements Step {}

        /** {@code evaluate|analyze model on data {...}} with each analysis's defaulted arguments. */
        record Analyze(String verb, String model, String data, List<CheckedModel.Call> analyses) implements Step {
            public Analyze {
                analyses = List.copyOf(analyses);
            }
        }

        record Save(String model, String path) implements Step {}

        record Load(String model, String path) implements Step {}

        /**
         * {@code format} is always set (inferred from the extension when not written); {@code part} is null for the
         * whole model, else the name of its encoder or decoder (only for onnx; checked here when the program
         * declares the model, by the runner when the model comes from a file).
         */
        record Export(String model, String path, String format, String part) implements Step {
            /** The whole model. */
            public Export(String model, String path, String format) {
                this(model, path, format, null);
            }
        }
    }
}
