/**
 * The IR: a model as a small DAG of typed tensor operations with its parameters and objective ({@link
 * ae4j.dsl.ir.Graph}), and the double-precision reference executor that defines what each operation computes.
 * In: built by {@code compile.Lowering}. Out: what the code generator emits and the tests check against.
 */
package ae4j.dsl.ir;
