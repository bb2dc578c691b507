package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ae4j.dsl.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * IDX images with labels (unsigned bytes), float32 and int16 images, raw or gzipped. Gzipped files are
 * mutated before compression (the IDX reader sees the damage) or after (the gzip stream is damaged), and now
 * and then the IDX data is followed by megabytes of zeros (a small gzip bomb).
 */
final class IdxFuzz implements FuzzedFormat {

    private final Path images;
    private final Path labels;
    private final boolean gzip;
    /** One gzip member that gunzips to 32 MB of zeros (32 KB), for gzip bombs. */
    private final byte[] zeros32mb;

    IdxFuzz(Path dir, boolean gzip) throws IOException {
        Path sub = Files.createDirectories(dir.resolve(gzip ? "idx-gz" : "idx"));
        this.gzip = gzip;
        this.images = sub.resolve(gzip ? "images-idx.gz" : "images.idx");
        this.labels = sub.resolve(gzip ? "labels-idx.gz" : "labels.idx");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            byte[] mb = new byte[1 << 20];
            for (int i = 0; i < 32; i++) z.write(mb);
        }
        this.zeros32mb = out.toByteArray();
    }

    @Override
    public String name() {
        return gzip ? "idx.gz" : "idx";
    }

    /** A valid images file (and labels file, or null) of one of three kinds. */
    record Seed(byte[] images, byte[] labels, float[] values, int[] shape) {}

    static Seed seed(Random r, int kind) {
        int n = 1 + r.nextInt(12);
        int rows = 1 + r.nextInt(5);
        int cols = 1 + r.nextInt(5);
        return switch (kind) {
            case 0 -> { // MNIST-like: unsigned byte images n x rows x cols, unsigned byte labels
                byte[] px = new byte[n * rows * cols];
                r.nextBytes(px);
                float[] v = new float[px.length];
                for (int i = 0; i < v.length; i++) v[i] = px[i] & 0xFF;
                byte[] lab = new byte[n];
                for (int i = 0; i < n; i++) lab[i] = (byte) r.nextInt(10);
                yield new Seed(
                        idx(0x0803, new int[] {n, rows, cols}, px), idx(0x0801, new int[] {n}, lab), v, new int[] {
                            rows, cols
                        });
            }
            case 1 -> { // float32 n x d, no labels
                ByteBuffer b = ByteBuffer.allocate(4 * n * cols);
                float[] v = new float[n * cols];
                for (int i = 0; i < v.length; i++) b.putFloat(v[i] = (float) r.nextGaussian());
                yield new Seed(idx(0x0D02, new int[] {n, cols}, b.array()), null, v, new int[] {cols});
            }
            default -> { // int16 images, int32 labels
                ByteBuffer b = ByteBuffer.allocate(2 * n * rows * cols);
                float[] v = new float[n * rows * cols];
                for (int i = 0; i < v.length; i++) {
                    short s = (short) (r.nextInt(65536) - 32768);
                    b.putShort(s);
                    v[i] = s;
                }
                ByteBuffer lab = ByteBuffer.allocate(4 * n);
                for (int i = 0; i < n; i++) lab.putInt(r.nextInt(1000));
                yield new Seed(
                        idx(0x0B03, new int[] {n, rows, cols}, b.array()),
                        idx(0x0C01, new int[] {n}, lab.array()),
                        v,
                        new int[] {rows, cols});
            }
        };
    }

    static byte[] cat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    /** The magic number and the dimensions of an IDX header, as mutable fields. */
    static List<FileMutator.Field> fields(byte[] raw) {
        List<FileMutator.Field> out = new ArrayList<>();
        out.add(new FileMutator.Field(0, 4, ByteOrder.BIG_ENDIAN));
        int nd = raw.length >= 4 ? raw[3] & 0xFF : 0;
        for (int i = 0; i < Math.min(nd, 4); i++) out.add(new FileMutator.Field(4 + 4 * i, 4, ByteOrder.BIG_ENDIAN));
        return out;
    }

    /** Dimensions that overflow size arithmetic, claim more than memory holds, or are zero or negative. */
    static final int[] DIMS = {0, 1, 2, 60_000, 1 << 16, 1 << 20, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE, -1};

    /** The header's dimensions replaced, the data kept. */
    static byte[] claims(FileMutator m, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw.clone());
        int nd = raw[3] & 0xFF;
        StringBuilder what = new StringBuilder("dimensions ->");
        for (int i = 0; i < nd; i++) {
            int d = m.random().nextInt(3) == 0
                    ? b.getInt(4 + 4 * i)
                    : DIMS[m.random().nextInt(DIMS.length)];
            b.putInt(4 + 4 * i, d);
            what.append(' ').append(d);
        }
        m.note(what.toString());
        return b.array();
    }

    private String source(boolean withLabels) {
        return "idx(" + LoadedData.quoted(images) + (withLabels ? ", labels: " + LoadedData.quoted(labels) : "") + ")";
    }

    private byte[] stored(byte[] raw) throws IOException {
        return gzip ? LoadedData.gzip(raw) : raw;
    }

    @Override
    public Case mutated(FileMutator m) throws IOException {
        Random r = m.random();
        Seed s = seed(r, r.nextInt(3));
        boolean withLabels = s.labels() != null;
        boolean mutateLabels = withLabels && r.nextInt(4) == 0;
        byte[] raw = mutateLabels ? s.labels() : s.images();
        if (r.nextInt(8) == 0) raw = claims(m, raw);
        byte[] bytes;
        int how = r.nextInt(20);
        if (!gzip) {
            bytes = m.bytes(raw, 4 + 4 * (raw[3] & 0xFF), fields(raw));
        } else if (how == 0) { // a gzip bomb: the reader must stop soon after the size its header says
            int members = 1 + r.nextInt(4);
            m.note("gzip, then " + members + " gzip members of 32 MB of zeros");
            bytes = LoadedData.gzip(raw);
            for (int k = 0; k < members; k++) bytes = cat(bytes, zeros32mb);
        } else if (how == 1) { // megabytes of zeros after the data, in the same gzip member
            int extra = (1 + r.nextInt(4)) << 20;
            m.note("append " + extra + " zero bytes, then gzip");
            bytes = LoadedData.gzip(Arrays.copyOf(raw, raw.length + extra));
        } else if (how < 10) {
            bytes = LoadedData.gzip(m.bytes(raw, 4 + 4 * (raw[3] & 0xFF), fields(raw)));
            m.note("then gzip");
        } else {
            m.note("gzip, then");
            bytes = m.bytes(LoadedData.gzip(raw), 10, List.of());
        }
        Path file = mutateLabels ? labels : images;
        Files.write(images, mutateLabels ? stored(s.images()) : bytes);
        if (withLabels) Files.write(labels, mutateLabels ? bytes : stored(s.labels()));
        String source = source(withLabels);
        return new Case(file, bytes, () -> LoadedData.loadChecked(source));
    }

    @Override
    public void checkSeeds() throws Exception {
        Random r = new Random(3);
        for (int kind = 0; kind < 3; kind++) {
            Seed s = seed(r, kind);
            Files.write(images, stored(s.images()));
            if (s.labels() != null) Files.write(labels, stored(s.labels()));
            Dataset d = LoadedData.load(source(s.labels() != null));
            assertArrayEquals(s.values(), d.values(), name() + " seed " + kind);
            assertArrayEquals(s.shape(), d.shape(), name() + " seed " + kind);
            assertEquals(s.labels() != null, d.labels() != null);
        }
    }

    @Override
    public boolean isUserError(Throwable t) {
        return LoadedData.isUserError(t);
    }
}
