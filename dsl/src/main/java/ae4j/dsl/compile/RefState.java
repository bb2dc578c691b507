package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;

/**
 * The reference executor's state for one batch, in double precision: the graph, parameters {@code p}, the input {@code x},
 * node values {@code v}, node gradients {@code dv}, parameter gradients {@code dp}, and the randomness each node
 * draws, supplied ({@code sampled[nodeId]}, null entries for nodes that draw nothing).
 */
record RefState(
        Graph g, double[][] p, double[] x, int batch, double[][] v, double[][] dv, double[][] dp, double[][] sampled) {
    /** dX += dY: the gradient of a node that adds noise (or anything independent of X) to X. */
    void passGradient(int from, int to) {
        double[] dx = dv[to];
        for (int i = 0; i < dx.length; i++) dx[i] += dv[from][i];
    }
}
