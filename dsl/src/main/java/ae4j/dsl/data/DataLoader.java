package ae4j.dsl.data;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.CheckedProgram;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the data sets of a checked program: sources read or generated, {@code from} and {@code split}
 * references resolved, transforms applied in order. Data sets are built on first use and cached by name;
 * {@link #all()} builds every one in declaration order. Problems with the data raise
 * {@link DataException}s whose messages start with {@code data NAME:}.
 */
public final class DataLoader {

    private final CheckedProgram program;
    private final DataPaths paths;
    private final Map<String, Dataset> cache;
    private final Map<String, Dataset[]> splits = new HashMap<>();

    /** @param base the folder of the .ae file (relative paths start there) */
    public DataLoader(CheckedProgram program, Path base) {
        this(program, new DataPaths(base));
    }

    public DataLoader(CheckedProgram program, DataPaths paths) {
        this(program, paths, new HashMap<>());
    }

    /**
     * A loader whose cache of built data sets is {@code cache} (shared with, e.g., the loader of a notebook's
     * previous cell: a data set built there is not read again; the owner removes entries that went stale).
     */
    public DataLoader(CheckedProgram program, DataPaths paths, Map<String, Dataset> cache) {
        this.program = program;
        this.paths = paths;
        this.cache = cache;
    }

    /** Every data set of the program, in declaration order. */
    public Map<String, Dataset> all() {
        Map<String, Dataset> out = new LinkedHashMap<>();
        for (CheckedProgram.DataSet d : program.data()) out.put(d.name(), get(d.name()));
        return out;
    }

    /** The data set declared as {@code name}, built on first use. */
    public Dataset get(String name) {
        Dataset cached = cache.get(name);
        if (cached != null) return cached;
        CheckedProgram.DataSet decl = program.dataSet(name);
        if (decl == null) throw new IllegalArgumentException("no data set named '" + name + "'");
        Dataset d;
        if (decl.from() != null) {
            d = get(decl.from());
        } else if (decl.source().name().equals("split")) {
            Map<String, Object> a = decl.source().args();
            String of = (String) a.get("data");
            double fraction = Synthetic.numArg(a, "fraction", 0.5);
            Dataset[] parts = splits.computeIfAbsent(of + "@" + fraction, k -> Transforms.split(get(of), fraction));
            d = parts[decl.part()];
        } else {
            try {
                d = source(name, decl.source());
            } catch (DataException e) {
                throw new DataException("data " + name + ": " + e.getMessage(), e);
            }
            if (decl.source().args().get("path") instanceof String file) finite(name, file, d);
        }
        for (CheckedModel.Call t : decl.transforms()) {
            try {
                d = Transforms.apply(d, t.name(), t.args());
            } catch (DataException e) {
                throw new DataException("data " + name + ": " + e.getMessage(), e);
            }
        }
        d = d.named(name);
        cache.put(name, d);
        return d;
    }

    /** Refuses a file with NaN or infinite values (an overflowing CSV cell reads as infinity), naming where. */
    private static void finite(String name, String file, Dataset d) {
        float[] v = d.values();
        int dim = d.dim();
        for (int i = 0; i < d.size() * dim; i++) {
            if (!Float.isFinite(v[i])) {
                throw new DataException("data " + name + ": " + file + " holds " + v[i] + " at example " + (i / dim + 1)
                        + ", value " + (i % dim + 1) + " (counting from 1); ae4j trains on finite numbers only: fix or"
                        + " remove that example");
            }
        }
    }

    /** Reads or generates one source call. */
    public Dataset source(String name, CheckedModel.Call call) {
        Map<String, Object> a = call.args();
        return switch (call.name()) {
            case "idx" ->
                ClassNames.named(
                        IdxReader.read(name, paths.resolve((String) a.get("path")), optionalPath(a.get("labels"))),
                        paths.resolve((String) a.get("path")));
            case "npy" -> NpyReader.read(name, paths.resolve((String) a.get("path")), optionalPath(a.get("labels")));
            case "csv" ->
                CsvReader.read(
                        name,
                        paths.resolve((String) a.get("path")),
                        !Boolean.FALSE.equals(a.get("header")),
                        a.get("label_column") instanceof Number x ? x.intValue() : -1);
            default -> {
                if (!Synthetic.isSynthetic(call.name()))
                    throw new IllegalArgumentException("unknown data source " + call.name());
                yield Synthetic.generate(name, call.name(), a);
            }
        };
    }

    private Path optionalPath(Object written) {
        return written instanceof String s ? paths.resolve(s) : null;
    }
}
