/**
 * Files: safetensors model files (PyTorch and NumPy read them), checkpoints that resume bit-identically, JSON,
 * and atomic writes (a file is never half-written). In: a {@link ae4j.dsl.runtime.CompiledModel} and its
 * training state. Out: bytes on disk, and back.
 */
package ae4j.dsl.io;
