/**
 * The contract between generated model classes and everything that runs them: {@link
 * ae4j.dsl.runtime.CompiledModel}, how a batch is split among threads ({@link ae4j.dsl.runtime.BatchSplit}),
 * the initial weights ({@link ae4j.dsl.runtime.Initializer}) and batched evaluation ({@link ae4j.dsl.runtime.Forward}).
 * In: a loaded model class. Out: forward, backward and node values for the trainer and the analyses.
 */
package ae4j.dsl.runtime;
