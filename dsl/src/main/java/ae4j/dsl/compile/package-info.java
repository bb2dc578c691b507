/**
 * The compiler (stages 3 to 5): a checked model lowered to the IR ({@link ae4j.dsl.compile.Lowering}), the IR
 * emitted as one Java class ({@link ae4j.dsl.compile.JavaEmitter} and its per-pass emitters), compiled in memory
 * through a class cache, instantiated and initialised ({@link ae4j.dsl.compile.ModelBuilder}: the one path every
 * caller takes). Each IR operation is one file ({@code DenseOp}, {@code ActivateOp}, ...) holding its comment, its
 * generated forward and backward, its double-precision reference ({@link ae4j.dsl.compile.ReferenceExecutor}
 * dispatches to them) and its Jacobian ({@link ae4j.dsl.compile.Operations}). In: a {@link
 * ae4j.dsl.check.CheckedModel}. Out: a {@link ae4j.dsl.compile.BuiltModel}.
 */
package ae4j.dsl.compile;
