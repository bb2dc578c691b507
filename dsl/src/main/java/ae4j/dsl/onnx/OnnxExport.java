package ae4j.dsl.onnx;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.io.ModelFile;
import ae4j.dsl.ir.Graph;
import ae4j.dsl.runtime.CompiledModel;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trained model, or its encoder or decoder alone, as an ONNX file (opset {@value Onnx#OPSET}, IR version
 * {@value Onnx#IR_VERSION}) that ONNX Runtime, PyTorch's and other ONNX tools run without ae4j.
 *
 * <p>The graph is the model as deployed, the same function as {@code Model.encode}, {@code Model.decode} and
 * {@code Model.reconstruct}: no corruption (x~ = x), no noise before the code, and for a free code the encoder's
 * prediction f(x). Each dense layer is a {@code Gemm} ({@code Y = X W^T + b}, or {@code Y = X W + b} for a tied
 * decoder's layer, which uses the encoder's weight), then its activation: {@code Relu}, {@code Sigmoid}, {@code
 * Tanh}, {@code Softplus}, {@code Softmax} over the features, nothing for identity. The input is a float tensor
 * {@code [batch, width]} with a dynamic batch; it is named after the model's input (the whole model, the encoder) or
 * code (the decoder), the output after the code (the encoder) or {@code r} (the reconstruction). Weights are
 * initializers under the parameter names of the safetensors file ({@code f.0.weight} {@code [out, in]},
 * {@code f.0.bias} {@code [out]}).
 *
 * <p>The protobuf messages are written with protobuf-java's {@link CodedOutputStream} by their field numbers in the
 * ONNX schema; the weights are streamed into the file, never copied whole. Files are written atomically.
 */
public final class OnnxExport {

    /** What is exported. */
    public enum Part {
        /** x to the reconstruction r(x) = g(f(x)). */
        MODEL,
        /** x to the code h = f(x). */
        ENCODER,
        /** the code h to the reconstruction g(h). */
        DECODER
    }

    /** An export that cannot be written (the message says why and what to do instead). */
    public static final class ExportException extends RuntimeException {
        public ExportException(String message) {
            super(message);
        }
    }

    /** The largest protobuf message readers accept: an ONNX file without external data holds under 2 GB. */
    static final long MAX_BYTES = Integer.MAX_VALUE;

    private OnnxExport() {}

    /** Atomically writes {@code part} of the built model to {@code file} as ONNX. */
    public static void write(Path file, BuiltModel model, Part part) throws IOException {
        Encoded e = encode(model, part);
        AtomicFile.write(file, e::writeTo);
    }

    /** The file's bytes (for tests and small models; {@link #write} streams instead). */
    public static byte[] bytes(BuiltModel model, Part part) {
        Encoded e = encode(model, part);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            e.writeTo(out);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** The names of the graph's input and output for {@code part} of the model. */
    public record Signature(String input, int inputWidth, String output, int outputWidth) {}

    /** The input and output {@link #write} gives the graph of {@code part}. */
    public static Signature signature(BuiltModel model, Part part) {
        Plan p = plan(model, part);
        return new Signature(p.input, p.inputWidth, p.output, p.outputWidth);
    }

    // ----------------------------------------------------------------------------------------- the graph

    /** The IR operations of one part, input to output, and the names of its ends. */
    private record Plan(List<Graph.Node> ops, String input, int inputWidth, String output, int outputWidth) {}

    private static Plan plan(BuiltModel model, Part part) {
        CheckedModel cm = model.checked();
        Graph g = model.ir().graph();
        String x = cm.input().name();
        String h = cm.code().name();
        int encoderLayers = cm.encoder().layers().size();
        if (part == Part.ENCODER) {
            List<Graph.Node> ops = chain(g, model.ir().code());
            return new Plan(ops, x, g.width(0), h, g.width(model.ir().code()));
        }
        int r = model.ir().reconstruction();
        if (r < 0 || !cm.decoder().exists()) {
            throw new ExportException(
                    "model " + cm.name() + " has no decoder; export its encoder alone: export " + cm.name() + "."
                            + cm.encoder().name() + " to \"" + cm.encoder().name() + ".onnx\"");
        }
        List<Graph.Node> whole = chain(g, r);
        String out = "r";
        while (out.equals(x) || out.equals(h)) out = out + "_";
        if (part == Part.MODEL) return new Plan(whole, x, g.width(0), out, g.width(r));
        // the decoder: what follows the encoder's last dense layer and its activation
        int dense = 0;
        int split = -1;
        for (int i = 0; i < whole.size(); i++) {
            if (whole.get(i) instanceof Graph.Dense && dense++ == encoderLayers) {
                split = i;
                break;
            }
        }
        if (split < 0) throw new IllegalStateException("ae4j bug: no decoder layer on the way to the reconstruction");
        Graph.Dense first = (Graph.Dense) whole.get(split);
        return new Plan(whole.subList(split, whole.size()), h, g.width(first.input()), out, g.width(r));
    }

    /**
     * The operations from the input to node {@code to}, as the deployed model computes them: corruption, noise
     * before the code and the free code's steps are left out (each passes its input on).
     */
    private static List<Graph.Node> chain(Graph g, int to) {
        List<Graph.Node> ops = new ArrayList<>();
        int id = to;
        while (true) {
            Graph.Node n = g.node(id);
            switch (n) {
                case Graph.Input in -> {
                    return ops.reversed();
                }
                case Graph.Corrupt c -> id = c.input();
                case Graph.AddNoise a -> id = a.input();
                case Graph.FreeCode f -> id = f.init();
                case Graph.Dense d -> {
                    ops.add(d);
                    id = d.input();
                }
                case Graph.Activate a -> {
                    ops.add(a);
                    id = a.input();
                }
                case Graph.Softmax s -> {
                    ops.add(s);
                    id = s.input();
                }
                case Graph.Probe p ->
                    throw new IllegalStateException("ae4j bug: a Jacobian probe on the deployed model's path");
            }
        }
    }

    // ----------------------------------------------------------------------------------------- encoding

    /** An ONNX node before encoding (its output may be renamed to the graph's output). */
    private static final class OnnxNode {
        final String op;
        final List<String> inputs;
        String output;
        final Map<String, Long> attributes = new LinkedHashMap<>();
        final String doc;

        OnnxNode(String op, List<String> inputs, String output, String doc) {
            this.op = op;
            this.inputs = inputs;
            this.output = output;
            this.doc = doc;
        }
    }

    private static Encoded encode(BuiltModel model, Part part) {
        Plan plan = plan(model, part);
        Graph g = model.ir().graph();
        CompiledModel cm = model.model();
        List<OnnxNode> nodes = new ArrayList<>();
        Set<Integer> used = new LinkedHashSet<>();
        String current = plan.input;
        String layer = null;
        for (Graph.Node op : plan.ops) {
            String doc = g.nodeOrigin(op.id());
            switch (op) {
                case Graph.Dense d -> {
                    layer = layerName(g, d);
                    List<String> in = new ArrayList<>(
                            List.of(current, g.params().get(d.weight()).name()));
                    used.add(d.weight());
                    if (d.bias() >= 0) {
                        in.add(g.params().get(d.bias()).name());
                        used.add(d.bias());
                    }
                    OnnxNode n = new OnnxNode("Gemm", in, layer + ".linear", doc);
                    if (!d.transposed()) n.attributes.put("transB", 1L);
                    nodes.add(n);
                }
                case Graph.Activate a -> {
                    String kind = switch (a.activation()) {
                        case IDENTITY -> null;
                        case RELU -> "Relu";
                        case SIGMOID -> "Sigmoid";
                        case TANH -> "Tanh";
                        case SOFTPLUS -> "Softplus";
                    };
                    if (kind != null) nodes.add(new OnnxNode(kind, List.of(current), layer, doc));
                }
                case Graph.Softmax s -> {
                    OnnxNode n = new OnnxNode("Softmax", List.of(current), layer, doc);
                    n.attributes.put("axis", 1L);
                    nodes.add(n);
                }
                default -> throw new IllegalStateException("ae4j bug: " + op + " in an ONNX export");
            }
            if (!nodes.isEmpty()) current = nodes.getLast().output;
        }
        if (nodes.isEmpty()) nodes.add(new OnnxNode("Identity", List.of(plan.input), plan.output, null));
        nodes.getLast().output = plan.output;

        Proto graph = new Proto();
        for (OnnxNode n : nodes) graph.message(Onnx.Graph.NODE, node(n, nodes.indexOf(n)));
        String what = describe(model.checked(), part);
        graph.string(Onnx.Graph.NAME, model.checked().name() + (part == Part.MODEL ? "" : "." + partName(model, part)));
        graph.string(
                Onnx.Graph.DOC_STRING,
                what + ": " + plan.input + "[batch, " + plan.inputWidth + "] to " + plan.output + "[batch, "
                        + plan.outputWidth + "]");
        graph.message(Onnx.Graph.INPUT, valueInfo(plan.input, plan.inputWidth));
        graph.message(Onnx.Graph.OUTPUT, valueInfo(plan.output, plan.outputWidth));

        List<Initializer> inits = new ArrayList<>();
        List<CompiledModel.ParamInfo> info = cm.paramInfo();
        for (int i : used) {
            CompiledModel.ParamInfo p = info.get(i);
            if (!p.name().equals(g.params().get(i).name()))
                throw new IllegalStateException("ae4j bug: parameter " + i + " is " + p.name() + " in the class and "
                        + g.params().get(i).name() + " in the IR");
            Proto head = new Proto();
            for (int d : ModelFile.fileShape(p)) head.varint(Onnx.Tensor.DIMS, d);
            head.varint(Onnx.Tensor.DATA_TYPE, Onnx.FLOAT);
            head.string(Onnx.Tensor.NAME, p.name());
            inits.add(new Initializer(head.toByteArray(), cm.params()[i], p.rows() * p.cols()));
        }

        Proto head = new Proto()
                .varint(Onnx.Model.IR_VERSION, Onnx.IR_VERSION)
                .string(Onnx.Model.PRODUCER_NAME, "ae4j")
                .string(Onnx.Model.DOMAIN, "ae4j")
                .varint(Onnx.Model.MODEL_VERSION, 1)
                .string(Onnx.Model.DOC_STRING, what + ", exported by ae4j")
                .message(
                        Onnx.Model.OPSET_IMPORT,
                        new Proto()
                                .string(Onnx.OperatorSetId.DOMAIN, "")
                                .varint(Onnx.OperatorSetId.VERSION, Onnx.OPSET));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("ae4j.model", model.checked().name());
        meta.put("ae4j.part", part.name().toLowerCase());
        meta.put("ae4j.input", plan.input);
        meta.put("ae4j.output", plan.output);
        meta.forEach((k, v) -> head.message(
                Onnx.Model.METADATA_PROPS,
                new Proto().string(Onnx.StringStringEntry.KEY, k).string(Onnx.StringStringEntry.VALUE, v)));
        Encoded e = new Encoded(head.toByteArray(), graph.toByteArray(), inits);
        if (e.size() > MAX_BYTES) {
            throw new ExportException(what + " needs " + e.size() / (1L << 20) + " MB as ONNX; an ONNX file holds at"
                    + " most 2 GB (protobuf's limit) and ae4j does not write ONNX external data: export it as"
                    + " safetensors instead");
        }
        return e;
    }

    private static String partName(BuiltModel model, Part part) {
        return part == Part.ENCODER
                ? model.checked().encoder().name()
                : model.checked().decoder().name();
    }

    private static String describe(CheckedModel m, Part part) {
        return switch (part) {
            case MODEL -> "model " + m.name();
            case ENCODER -> "the encoder " + m.encoder().name() + " of model " + m.name();
            case DECODER -> "the decoder " + m.decoder().name() + " of model " + m.name();
        };
    }

    /** "f.0" for the dense layer whose bias (or weight) is f.0.bias: the layer's name in the parameter names. */
    private static String layerName(Graph g, Graph.Dense d) {
        String p = g.params().get(d.bias() >= 0 ? d.bias() : d.weight()).name();
        int dot = p.lastIndexOf('.');
        return dot < 0 ? p : p.substring(0, dot);
    }

    private static Proto node(OnnxNode n, int index) {
        Proto p = new Proto();
        for (String in : n.inputs) p.string(Onnx.Node.INPUT, in);
        p.string(Onnx.Node.OUTPUT, n.output);
        p.string(Onnx.Node.NAME, n.op + "_" + index);
        p.string(Onnx.Node.OP_TYPE, n.op);
        n.attributes.forEach((k, v) -> p.message(
                Onnx.Node.ATTRIBUTE,
                new Proto()
                        .string(Onnx.Attribute.NAME, k)
                        .varint(Onnx.Attribute.TYPE, Onnx.ATTRIBUTE_INT)
                        .varint(Onnx.Attribute.I, v)));
        if (n.doc != null) p.string(Onnx.Node.DOC_STRING, n.doc);
        return p;
    }

    /** A float tensor [batch, width], the batch dynamic. */
    private static Proto valueInfo(String name, int width) {
        Proto shape = new Proto()
                .message(Onnx.Shape.DIM, new Proto().string(Onnx.Shape.DIM_PARAM, "batch"))
                .message(Onnx.Shape.DIM, new Proto().varint(Onnx.Shape.DIM_VALUE, width));
        Proto tensor = new Proto().varint(Onnx.Type.ELEM_TYPE, Onnx.FLOAT).message(Onnx.Type.SHAPE, shape);
        return new Proto()
                .string(Onnx.ValueInfo.NAME, name)
                .message(Onnx.ValueInfo.TYPE, new Proto().message(Onnx.Type.TENSOR_TYPE, tensor));
    }

    /** A weight tensor: its encoded fields but the data, and the values streamed as raw_data. */
    private record Initializer(byte[] head, float[] values, int count) {
        long rawBytes() {
            return 4L * count;
        }

        long size() {
            return head.length
                    + CodedOutputStream.computeTagSize(Onnx.Tensor.RAW_DATA)
                    + varintSize(rawBytes())
                    + rawBytes();
        }
    }

    /** A ModelProto: its small fields, the graph's small fields, and the initializers streamed after them. */
    private record Encoded(byte[] modelHead, byte[] graphHead, List<Initializer> inits) {
        long graphSize() {
            long n = graphHead.length;
            for (Initializer i : inits)
                n += CodedOutputStream.computeTagSize(Onnx.Graph.INITIALIZER) + varintSize(i.size()) + i.size();
            return n;
        }

        long size() {
            long g = graphSize();
            return modelHead.length + CodedOutputStream.computeTagSize(Onnx.Model.GRAPH) + varintSize(g) + g;
        }

        void writeTo(OutputStream stream) throws IOException {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
            out.writeRawBytes(modelHead);
            out.writeTag(Onnx.Model.GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(graphSize());
            out.writeRawBytes(graphHead);
            byte[] chunk = new byte[1 << 16];
            ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            for (Initializer i : inits) {
                out.writeTag(Onnx.Graph.INITIALIZER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt64NoTag(i.size());
                out.writeRawBytes(i.head);
                out.writeTag(Onnx.Tensor.RAW_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt64NoTag(i.rawBytes());
                for (int from = 0; from < i.count; from += chunk.length / 4) {
                    int n = Math.min(chunk.length / 4, i.count - from);
                    buf.clear();
                    buf.asFloatBuffer().put(i.values, from, n);
                    out.writeRawBytes(chunk, 0, 4 * n);
                }
            }
            out.flush();
        }
    }

    private static int varintSize(long v) {
        return CodedOutputStream.computeUInt64SizeNoTag(v);
    }
}
