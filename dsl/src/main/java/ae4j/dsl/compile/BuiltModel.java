package ae4j.dsl.compile;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.runtime.CompiledModel;

/**
 * A model ready to train: its checked declaration, its IR with the nodes reports need (code, corrupted input,
 * reconstruction), and the loaded instance with its buffers and initial weights.
 */
public record BuiltModel(CheckedModel checked, Lowering.Lowered ir, CompiledModel model) {

    /** The objective's terms by their loss names, in order ("bernoulli_nll", "l1", ...). */
    public String[] termNames() {
        return checked.objective().stream().map(t -> t.loss().word()).toArray(String[]::new);
    }
}
