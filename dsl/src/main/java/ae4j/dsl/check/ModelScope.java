package ae4j.dsl.check;

/** What a model's check has learned so far; its expressions are resolved against it. */
final class ModelScope {
    String modelName;
    String inputName;
    int inputSize = -1;
    String encoderName = "f";
    String decoderName = "g";
    boolean hasDecoder;
    String codeName = "h";
    int codeSize = -1;
    Nonlinearity encoderLastActivation;
    boolean hasCorrupt;
    boolean corruptionUsed;

    /** The input's name, or x before it is known (for messages). */
    static String nameOr(String n) {
        return n == null ? "x" : n;
    }
}
