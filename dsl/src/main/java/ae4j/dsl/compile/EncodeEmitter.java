package ae4j.dsl.compile;

import ae4j.dsl.ir.Graph;
import ae4j.dsl.ir.Graph.Activate;
import ae4j.dsl.ir.Graph.AddNoise;
import ae4j.dsl.ir.Graph.Corrupt;
import ae4j.dsl.ir.Graph.Dense;
import ae4j.dsl.ir.Graph.FreeCode;
import ae4j.dsl.ir.Graph.Input;
import ae4j.dsl.ir.Graph.Node;
import ae4j.dsl.ir.Graph.Probe;
import ae4j.dsl.ir.Graph.Softmax;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The generated class's {@code encode(data, batch, node)}: the evaluation forward pass up to a node (normally the
 * code) as a deployed encoder runs it. A dense layer followed by its activation is one GEMM with the bias and the
 * activation in its epilogue (the pre-activation is not written), the weights are packed once per call (the threads
 * sharing the packing) into the class's own packs, and the rows are split among the threads as {@code forwardTo}
 * splits them. Corruption and noise before the code are copies (an evaluation adds none). The values it leaves are
 * those {@code forwardTo} leaves, bit for bit: the GEMM with a fused epilogue stores what the GEMM followed by the
 * activation pass stores.
 */
final class EncodeEmitter {

    private final ClassLayout layout;
    private final Graph g;
    private final SourceWriter w;
    private final Comments comments;
    /** encode's packed weights by "weight:op T" key: the field's name. */
    private final Map<String, String> packNames = new LinkedHashMap<>();
    /** The same packs: {param, 1 if op T else 0, k, n, the first node multiplying by it}. */
    private final Map<String, int[]> packs = new LinkedHashMap<>();
    /** The fused epilogues by "bias:ACTIVATION" key: field name and its initialiser. */
    private final Map<String, String[]> epilogues = new LinkedHashMap<>();
    /** fused[id]: dense node id's activation (node id + 1) runs in its GEMM's epilogue. */
    private final boolean[] fused;
    /** Only dense layers read the input: they multiply the caller's rows in place (no copy of the batch). */
    private final boolean inputInPlace;

    EncodeEmitter(ClassLayout layout, SourceWriter w) {
        this.layout = layout;
        this.g = layout.g;
        this.w = w;
        this.comments = new Comments(layout);
        fused = fusedLayers(g);
        boolean denseOnly = true;
        for (Node n : g.nodes()) {
            for (int in : inputs(n)) if (in == 0 && !(n instanceof Dense)) denseOnly = false;
        }
        inputInPlace = denseOnly;
        for (Node n : g.nodes()) {
            if (!(n instanceof Dense d)) continue;
            String key = d.weight() + ":" + !d.transposed();
            if (!packNames.containsKey(key)) {
                boolean t = !d.transposed();
                Graph.Param p = g.params().get(d.weight());
                packNames.put(
                        key,
                        layout.claimName(
                                "encode" + ClassLayout.capitalize(layout.param(d.weight())) + (t ? "T" : "N")));
                packs.put(
                        key,
                        new int[] {d.weight(), t ? 1 : 0, t ? p.cols() : p.rows(), t ? p.rows() : p.cols(), d.id()});
            }
            if (fused[d.id()]) {
                Activate a = (Activate) g.node(d.id() + 1);
                String ek = d.bias() + ":" + a.activation();
                if (!epilogues.containsKey(ek)) {
                    String act = ClassLayout.capitalize(a.activation().name().toLowerCase(Locale.ROOT));
                    String name = d.bias() >= 0
                            ? layout.claimName("add" + ClassLayout.capitalize(layout.param(d.bias())) + act)
                            : layout.claimName("apply" + act);
                    String init = d.bias() >= 0
                            ? "Epilogue.bias(" + layout.param(d.bias()) + ", Activation." + a.activation() + ")"
                            : "Epilogue.activation(Activation." + a.activation() + ")";
                    epilogues.put(ek, new String[] {name, init});
                }
            }
        }
    }

    /**
     * The dense nodes whose activation {@code encode} runs in the GEMM's epilogue: those followed by their activation
     * (the next node) and read by nothing else.
     */
    static boolean[] fusedLayers(Graph g) {
        int nodes = g.nodes().size();
        boolean[] fused = new boolean[nodes];
        int[] readers = new int[nodes];
        for (Node n : g.nodes()) for (int in : inputs(n)) readers[in]++;
        for (Node n : g.nodes()) {
            fused[n.id()] = n instanceof Dense
                    && n.id() + 1 < nodes
                    && g.node(n.id() + 1) instanceof Activate a
                    && a.input() == n.id()
                    && readers[n.id()] == 1;
        }
        return fused;
    }

    /** The nodes node n reads. */
    private static int[] inputs(Node n) {
        return switch (n) {
            case Input in -> new int[0];
            case Corrupt c -> new int[] {c.input()};
            case AddNoise a -> new int[] {a.input()};
            case Dense d -> new int[] {d.input()};
            case Activate a -> new int[] {a.input()};
            case Probe pr -> new int[] {pr.input()};
            case Softmax sm -> new int[] {sm.input()};
            case FreeCode fc -> new int[] {fc.init()};
        };
    }

    /** The fields: the encode path's packed weights and fused epilogues. */
    void fields() {
        if (!packs.isEmpty()) {
            w.line("Gemm.PackedB " + String.join(", ", packNames.values())
                    + ";   // the weights encode multiplies by, packed once per call");
        }
        if (!epilogues.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String[] e : epilogues.values()) names.add(e[0]);
            w.line("final Epilogue " + String.join(", ", names)
                    + ";   // bias and activation, applied as encode's GEMMs store");
        }
    }

    /** The constructor's lines for those fields. */
    void constructor() {
        for (String[] e : epilogues.values()) w.line(e[0] + " = " + e[1] + ";");
    }

    void emit() {
        encode();
        if (!packs.isEmpty()) packForEncode();
        encodeRows();
    }

    private void encode() {
        w.line("/**");
        w.line(
                " * The nodes up to {@code node} (normally the code) without corruption or noise, as forwardTo computes");
        w.line(
                " * them but with each dense layer's activation fused into its GEMM: the pre-activations of fused layers");
        w.line(" * are not written. Weights packed once, the rows split among the threads.");
        w.line(" */");
        w.line("@Override");
        w.open("public void encode(float[] data, int offset, int batch, int node) {");
        w.line("if (offset < 0 || batch < 1 || batch > maxBatch || (long) (offset + batch) * " + layout.width(0)
                + " > data.length)");
        w.line(
                "    throw new IllegalArgumentException(\"rows [\" + offset + \", \" + (offset + batch) + \") of \" + data.length / "
                        + layout.width(0) + " + \" rows (a batch of at most \" + maxBatch + \")\");");
        w.line("if (node < 0 || node >= " + g.nodes().size()
                + ") throw new IllegalArgumentException(\"no node \" + node);");
        if (!packs.isEmpty()) w.line("packForEncode(node);");
        w.line("int n = BatchSplit.parts(batch);");
        w.open("if (n == 1) {");
        w.line("encodeRows(data, offset, 0, batch, node);");
        w.line("return;");
        w.close("}");
        w.line("Parallel.run(n, t -> {");
        w.line("    int r0 = BatchSplit.start(batch, t, n);");
        w.line("    encodeRows(data, offset, r0, BatchSplit.start(batch, t + 1, n) - r0, node);");
        w.line("});");
        w.close("}");
        w.line("");
    }

    private void packForEncode() {
        w.line("/** Packs the weights of the layers up to node {@code to}; the threads share the work. */");
        w.open("private void packForEncode(int to) {");
        w.open("if (" + packNames.values().iterator().next() + " == null) {");
        for (var e : packs.entrySet()) {
            int[] v = e.getValue();
            w.line(packNames.get(e.getKey()) + " = new Gemm.PackedB(" + v[2] + ", " + v[3] + ");");
        }
        w.close("}");
        w.line("int parts = Parallel.threads();");
        w.open("Parallel.run(parts, t -> {");
        for (var e : packs.entrySet()) {
            int[] v = e.getValue();
            Graph.Param p = g.params().get(v[0]);
            w.line("if (to >= " + v[4] + ") Gemm.pack(Op." + (v[1] == 1 ? "T" : "N") + ", " + layout.param(v[0])
                    + ", 0, " + p.cols() + ", " + packNames.get(e.getKey()) + ", t, parts);");
        }
        w.close("});");
        w.close("}");
        w.line("");
    }

    private void encodeRows() {
        w.line("/** encode's rows [r0, r0 + batch) (rows offset + r0 ... of data), up to node {@code to}. */");
        w.open("private void encodeRows(float[] data, int offset, int r0, int batch, int to) {");
        if (g.nodes().stream().anyMatch(n -> n instanceof Probe)) {
            w.line("long seed = 0, step = 0;   // as forwardTo: the probe's noise drawn at seed 0, step 0");
        }
        w.resetOrigin();
        int last = g.nodes().size() - 1;
        Emit e = new Emit(layout, w, false);
        for (Node n : g.nodes()) {
            int id = n.id();
            if (id > 0 && fused[id - 1]) continue; // written with its dense layer
            int end = id; // the last node this block writes
            w.origin(g.nodeOrigin(id));
            w.line("// " + comments.node(n));
            switch (n) {
                case Dense d
                when fused[id] -> {
                    Activate a = (Activate) g.node(id + 1);
                    w.line("// " + comments.node(a) + ": fused into the GEMM's store, " + layout.value(id)
                            + " not written");
                    w.line("if (to == " + id + ") {");
                    w.line("    " + gemm(d, id, biasOnly(d)));
                    w.line("    return;");
                    w.line("}");
                    w.line(gemm(d, a.id(), epilogues.get(d.bias() + ":" + a.activation())[0]));
                    end = a.id();
                }
                case Dense d -> w.line(gemm(d, id, biasOnly(d)));
                case Corrupt c -> {
                    w.line("// encode: no corruption, a copy");
                    e.copy(c.input(), id);
                }
                case AddNoise a -> {
                    w.line("// encode: no noise, a copy");
                    e.copy(a.input(), id);
                }
                case Input in -> {
                    if (inputInPlace) {
                        w.line(
                                "// the dense layers read the rows where they are; the input node is written if asked for");
                        w.line("if (to == 0) System.arraycopy(data, (offset + r0) * " + layout.width(0) + ", "
                                + layout.value(0) + ", " + layout.off(0) + ", batch * " + layout.width(0) + ");");
                    } else {
                        w.line("System.arraycopy(data, (offset + r0) * " + layout.width(0) + ", " + layout.value(0)
                                + ", " + layout.off(0) + ", batch * " + layout.width(0) + ");");
                    }
                }
                case Activate a -> ActivateOp.forward(a, e);
                case Probe pr -> ProbeOp.forward(pr, e);
                case Softmax sm -> SoftmaxOp.forward(sm, e);
                case FreeCode fc -> FreeCodeOp.forward(fc, e);
            }
            if (end < last) w.line("if (to == " + end + ") return;");
        }
        w.close("}");
        w.line("");
    }

    private String biasOnly(Dense d) {
        return d.bias() >= 0 ? layout.epilogue(d.bias()) : "Epilogue.NONE";
    }

    /** Dense node d's product with its packed weight into node {@code out}'s rows, through epilogue {@code ep}. */
    private String gemm(Dense d, int out, String ep) {
        String wy = layout.width(out);
        String wx = layout.width(d.input());
        boolean direct = d.input() == 0 && inputInPlace;
        return "Gemm.gemm(Op.N, batch, " + wy + ", " + wx + ", 1f, " + (direct ? "data" : layout.value(d.input()))
                + ", " + (direct ? "(offset + r0) * " + wx : layout.off(d.input())) + ", " + wx + ", "
                + packNames.get(d.weight() + ":" + !d.transposed())
                + ", 0f, "
                + layout.value(out) + ", " + layout.off(out) + ", " + wy + ", " + ep + ");";
    }
}
