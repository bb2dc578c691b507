/**
 * The IR: a model as a small DAG of typed tensor operations with its parameters and objective ({@link
 * ae4j.dsl.ir.Graph}): data only. What each operation computes, its generated code, its double-precision reference
 * and its Jacobian are defined together, one file per operation, in {@code ae4j.dsl.compile} ({@code DenseOp}, ...).
 * In: built by {@code compile.Lowering}. Out: what the code generator emits and the reference executor runs.
 */
package ae4j.dsl.ir;
