package ae4j.dsl.analysis;

import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of analyses by name. {@code ae4j run} looks names up here; every analysis the checker accepts
 * is registered (those not built yet, {@code Builtins.ANALYSES_NOT_BUILT}, are rejected by the checker).
 */
public final class Analyses {

    private static final Map<String, Analysis> REGISTRY = new TreeMap<>();

    static {
        // One line per analysis; keep alphabetical.
        REGISTRY.put("codes", new Codes());
        REGISTRY.put("interpolate", new Interpolation());
        REGISTRY.put("jacobian_spectrum", new JacobianSpectrum());
        REGISTRY.put("knn_embedding", new KnnEmbedding());
        REGISTRY.put("local_pca", new LocalPca());
        REGISTRY.put("manifold_parzen", new ManifoldParzen());
        REGISTRY.put("pca_baseline", PcaBaseline.ANALYSIS);
        REGISTRY.put("retrieval", new Retrieval());
        REGISTRY.put("samples", new Sampling());
        REGISTRY.put("score_field", ScoreField.ANALYSIS);
        REGISTRY.put("tangents", new Tangents());
    }

    private Analyses() {}

    public static Analysis get(String name) {
        return REGISTRY.get(name);
    }

    public static java.util.Set<String> names() {
        return REGISTRY.keySet();
    }
}
