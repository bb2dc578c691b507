package ae4j.dsl.compile;

/**
 * The reference executor's state for one batch, in double precision: parameters {@code p}, the input {@code x},
 * node values {@code v}, node gradients {@code dv}, parameter gradients {@code dp}, and the randomness each node
 * draws, supplied ({@code sampled[nodeId]}, null entries for nodes that draw nothing).
 */
record RefState(double[][] p, double[] x, int batch, double[][] v, double[][] dv, double[][] dp, double[][] sampled) {}
