package ae4j.dsl.compile;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Initializer;

/**
 * The compiler on one screen: a checked model is lowered to the IR, the IR emitted as Java, the source
 * compiled (or its class taken from the cache), instantiated with buffers for {@code maxBatch} rows, and
 * initialised from a seed. Every caller that needs a model to run (ae4j run, notebook sessions, greedy
 * pretraining, the benchmarks, the tests) goes through here, so they all build a model the same way.
 */
public final class ModelBuilder {

    /** The fewest rows a built model has room for, whatever its training batch (evaluation runs in such batches). */
    public static final int MIN_ROWS = 256;

    /** The package of generated model classes. */
    public static final String PACKAGE = "ae4j.generated";

    private final ModelCompiler compiler;
    private final boolean reference;

    private ModelBuilder(ModelCompiler compiler, boolean reference) {
        this.compiler = compiler;
        this.reference = reference;
    }

    /** Generated classes through the class cache ({@link ModelCompiler#withDefaultCache()}). */
    public static ModelBuilder generated() {
        return new ModelBuilder(ModelCompiler.withDefaultCache(), false);
    }

    /** Generated classes through the given compiler (its own cache folder). */
    public static ModelBuilder generated(ModelCompiler compiler) {
        return new ModelBuilder(compiler, false);
    }

    /** The double-precision reference executor instead of generated code (ae4j run --reference: slow, for debugging). */
    public static ModelBuilder reference() {
        return new ModelBuilder(null, true);
    }

    /** Whether this builder runs the reference executor. */
    public boolean isReference() {
        return reference;
    }

    /** The rows a model trained at {@code batch} is built for: the batch, and at least {@link #MIN_ROWS}. */
    public static int rowsFor(int batch) {
        return Math.max(MIN_ROWS, batch);
    }

    /** Lowers, compiles, instantiates and initialises a checked model. */
    public BuiltModel build(CheckedModel m, int maxBatch, long seed) {
        Lowering.Lowered ir = Lowering.lowerWithRoles(m);
        return new BuiltModel(m, ir, instantiate(ir.graph(), maxBatch, seed));
    }

    /** An instance of the IR's model with room for {@code maxBatch} rows and initial weights from {@code seed}. */
    public CompiledModel instantiate(Graph g, int maxBatch, long seed) {
        CompiledModel m = reference ? new ReferenceModel(g, maxBatch) : generate(g, maxBatch);
        Initializer.glorot(m, seed);
        return m;
    }

    private CompiledModel generate(Graph g, int maxBatch) {
        String cls = PACKAGE + "." + JavaEmitter.classNameFor(g);
        try {
            return (CompiledModel) compiler.load(cls, JavaEmitter.emit(g, PACKAGE))
                    .getConstructor(int.class)
                    .newInstance(maxBatch);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ae4j bug: cannot instantiate the generated class " + cls, e);
        }
    }
}
