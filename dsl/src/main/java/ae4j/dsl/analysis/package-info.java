/**
 * The analyses of the chapter: score fields (14.5.1), exact encoder Jacobians and their spectra, tangent
 * planes and local PCA (14.6, 14.7), the PCA baseline and codes (14.9), semantic hashing (14.9: a hash table of
 * binary codes, Hamming-ball retrieval, LSH and PCA-sign baselines). In: a trained model, its IR roles and data.
 * Out: figures, tables and pictures in the output folder.
 */
package ae4j.dsl.analysis;
