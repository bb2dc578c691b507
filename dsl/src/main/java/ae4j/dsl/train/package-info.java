/**
 * Training: the {@link ae4j.dsl.train.Trainer} (minibatches, optimizers, schedules, early stopping,
 * checkpoints, divergence checks), greedy layer-wise pretraining, and progress reporting.
 * In: a compiled model, a train configuration, the data. Out: trained weights and the loss history.
 */
package ae4j.dsl.train;
