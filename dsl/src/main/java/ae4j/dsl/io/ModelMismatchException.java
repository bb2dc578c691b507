package ae4j.dsl.io;

import java.util.List;

/** Saved tensors that do not fit a model: {@link #differences()} lists each problem in a sentence. */
public final class ModelMismatchException extends SafetensorsException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> differences;

    public ModelMismatchException(String what, List<String> differences) {
        super(what + ":\n  " + String.join("\n  ", differences));
        this.differences = List.copyOf(differences);
    }

    /** One line per difference, e.g. {@code f.0.weight: file has 256 x 784, model has 128 x 784}. */
    public List<String> differences() {
        return differences;
    }
}
