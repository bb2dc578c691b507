package ae4j.dsl.io;

import ae4j.dsl.runtime.CompiledModel;
import java.util.ArrayList;
import java.util.List;

/** A CompiledModel with given parameter shapes and no computation, for persistence tests. */
final class FakeModel implements CompiledModel {

    private final String name;
    private final List<ParamInfo> info;
    private final float[][] params;
    private final float[][] grads;

    FakeModel(String name, ParamInfo... info) {
        this.name = name;
        this.info = List.of(info);
        this.params = new float[info.length][];
        this.grads = new float[info.length][];
        for (int i = 0; i < info.length; i++) {
            params[i] = new float[info[i].rows() * info[i].cols()];
            grads[i] = new float[params[i].length];
        }
    }

    /** f: 6 -> 4 -> 2, g: 2 -> 6, filled with distinct values from {@code seed}. */
    static FakeModel small(int seed) {
        FakeModel m = new FakeModel(
                "ae",
                new ParamInfo("f.0.weight", 4, 6),
                new ParamInfo("f.0.bias", 1, 4),
                new ParamInfo("f.1.weight", 2, 4),
                new ParamInfo("f.1.bias", 1, 2),
                new ParamInfo("g.0.weight", 6, 2),
                new ParamInfo("g.0.bias", 1, 6));
        m.fill(seed);
        return m;
    }

    void fill(int seed) {
        for (int i = 0; i < params.length; i++) {
            for (int j = 0; j < params[i].length; j++) {
                params[i][j] = seed + i * 0.5f + j * 0.001f - 0.25f * (j % 3);
            }
        }
    }

    List<float[]> copyParams() {
        List<float[]> out = new ArrayList<>();
        for (float[] p : params) {
            out.add(p.clone());
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatch() {
        return 1;
    }

    @Override
    public int inputWidth() {
        return info.isEmpty() ? 0 : info.getFirst().cols();
    }

    @Override
    public List<ParamInfo> paramInfo() {
        return info;
    }

    @Override
    public float[][] params() {
        return params;
    }

    @Override
    public float[][] grads() {
        return grads;
    }

    @Override
    public double forwardBackward(float[] x, int batch, long seed, long step) {
        return 0;
    }

    @Override
    public double loss(float[] x, int batch, long seed, long step, boolean training) {
        return 0;
    }

    @Override
    public double[] lastTerms() {
        return new double[0];
    }

    @Override
    public float[] value(int id) {
        return new float[0];
    }
}
