/**
 * The Jupyter kernel: Java cells through JShell, %%ae cells through a {@link ae4j.dsl.run.Session}, rich display
 * and live training progress. A thin layer over the base kernel, the facade and the run stage.
 */
package ae4j.kernel;
