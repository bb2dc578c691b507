package ae4j.dsl.compile;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import ae4j.dsl.runtime.Initializer;
import java.util.Locale;
import java.util.Map;

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
    /** Class files compiled elsewhere (a Spark driver), or null; then the class loaded from them, once. */
    private final Map<String, byte[]> shipped;

    private Class<?> shippedClass;

    private ModelBuilder(ModelCompiler compiler, boolean reference) {
        this(compiler, reference, null);
    }

    private ModelBuilder(ModelCompiler compiler, boolean reference, Map<String, byte[]> shipped) {
        this.compiler = compiler;
        this.reference = reference;
        this.shipped = shipped;
    }

    /**
     * Generated classes from class files compiled elsewhere ({@link #classes}): no javac here, so a JVM without a
     * JDK (a Spark executor) can run the model. The class is loaded once per builder.
     */
    public static ModelBuilder fromClasses(Map<String, byte[]> classes) {
        return new ModelBuilder(null, false, Map.copyOf(classes));
    }

    /** The class files of the IR's generated class, from the class cache or compiled now (to ship to other JVMs). */
    public static Map<String, byte[]> classes(Graph g) {
        return ModelCompiler.withDefaultCache().classBytes(className(g), JavaEmitter.emit(g, PACKAGE));
    }

    /** The binary name of the IR's generated class. */
    public static String className(Graph g) {
        return PACKAGE + "." + JavaEmitter.classNameFor(g);
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

    /** A model that would not fit in memory (or in a Java array); the message says how much it needs and what to do. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** The largest Java array, in elements. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Refuses a model whose buffers do not fit: an array longer than Java allows, or more bytes than the JVM may
     * still use. Counted: each parameter and its gradient, two optimizer moments, and each node's values and
     * gradient for {@code maxBatch} rows (an upper bound; the class allocates only the gradients it needs).
     */
    static void checkFits(Graph g, int maxBatch) {
        long params = 0;
        for (Graph.Param p : g.params()) {
            long n = (long) p.rows() * p.cols();
            if (n > MAX_ARRAY) {
                throw new TooLargeException(String.format(
                        Locale.ROOT,
                        "model '%s': parameter %s would hold %,d x %,d = %,d "
                                + "values, more than one Java array can (%,d); use fewer units",
                        g.name(),
                        p.name(),
                        p.rows(),
                        p.cols(),
                        n,
                        MAX_ARRAY));
            }
            params += n;
        }
        long values = 0;
        for (Graph.Node n : g.nodes()) {
            long size = (long) maxBatch * n.width();
            if (size > MAX_ARRAY) {
                throw new TooLargeException(String.format(
                        Locale.ROOT,
                        "model '%s': a buffer of %,d rows x %,d values is more than one Java array can hold (%,d);"
                                + " %s",
                        g.name(),
                        maxBatch,
                        n.width(),
                        MAX_ARRAY,
                        maxBatch > MIN_ROWS
                                ? "use a smaller batch or smaller layers"
                                : "use smaller layers (a model keeps at least " + MIN_ROWS + " rows per layer)"));
            }
            values += size;
        }
        long bytes = 4 * (4 * params + 2 * values);
        long available = ae4j.dsl.runtime.HeapMemory.available(bytes);
        if (bytes > available) {
            throw new TooLargeException(String.format(
                    Locale.ROOT,
                    "model '%s' needs about %s for %,d rows (parameters, "
                            + "gradients and optimizer state %s; node values and gradients %s) but Java may use only %s more; use "
                            + "smaller layers or a smaller batch, or give Java more memory (JAVA_TOOL_OPTIONS=-Xmx...)",
                    g.name(),
                    gib(bytes),
                    maxBatch,
                    gib(16 * params),
                    gib(8 * values),
                    gib(available)));
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    /** An instance of the IR's model with room for {@code maxBatch} rows and initial weights from {@code seed}. */
    public CompiledModel instantiate(Graph g, int maxBatch, long seed) {
        checkFits(g, maxBatch);
        CompiledModel m = reference ? new ReferenceModel(g, maxBatch) : generate(g, maxBatch);
        Initializer.glorot(m, seed);
        return m;
    }

    private synchronized Class<?> shippedClass(String cls) {
        if (!shipped.containsKey(cls))
            throw new IllegalStateException("the shipped class files hold " + shipped.keySet() + ", not " + cls
                    + ": they were compiled from another model");
        if (shippedClass == null) shippedClass = InMemoryCompiler.load(cls, shipped);
        return shippedClass;
    }

    private CompiledModel generate(Graph g, int maxBatch) {
        String cls = className(g);
        try {
            Class<?> c = shipped != null ? shippedClass(cls) : compiler.load(cls, JavaEmitter.emit(g, PACKAGE));
            return (CompiledModel) c.getConstructor(int.class).newInstance(maxBatch);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ae4j bug: cannot instantiate the generated class " + cls, e);
        }
    }
}
