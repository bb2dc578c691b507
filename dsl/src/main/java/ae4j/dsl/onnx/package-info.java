/**
 * ONNX export: a trained model, its encoder or its decoder as an ONNX file (Gemm and activation nodes, weights as
 * initializers, a dynamic batch) that ONNX Runtime and other ONNX tools run. In: a {@link
 * ae4j.dsl.compile.BuiltModel} (its IR and parameters). Out: an .onnx file, written atomically.
 */
package ae4j.dsl.onnx;
