package ae4j.dsl.report;

import ae4j.dsl.io.AtomicFile;
import ae4j.dsl.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SequencedSet;

/**
 * Per-epoch rows of named metrics (e.g. {@code train_loss}, {@code val_loss}, {@code seconds}), written as
 * {@code metrics.csv} and {@code metrics.json}, each atomically.
 *
 * <p>CSV: a header {@code epoch,<metric>,...} with the metrics in first-seen order, then one line per row;
 * a metric a row lacks is an empty field; values are Java's shortest round-trip decimal form
 * ({@code 0.5}, {@code 1.0E-4}, {@code NaN}, {@code Infinity}), which pandas and spreadsheets read.
 * JSON: an array of objects {@code [{"epoch": 1, "train_loss": 0.5, ...}, ...]} (pandas
 * {@code read_json} orient "records"); absent metrics are left out and non-finite values are {@code null}.
 *
 * <p>Not thread-safe: a trainer adds rows from one thread.
 */
public final class MetricsLog {

    /** One epoch's metrics, in the order they were given. */
    public record Row(int epoch, SequencedMap<String, Double> values) {
        public Row {
            values = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(values));
        }

        /** The metric's value, or NaN when this row lacks it. */
        public double get(String metric) {
            Double v = values.get(metric);
            return v == null ? Double.NaN : v;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final SequencedSet<String> columns = new LinkedHashSet<>();

    /** Adds the row for {@code epoch}, which must be larger than the last one added. */
    public MetricsLog add(int epoch, Map<String, ? extends Number> metrics) {
        if (!rows.isEmpty() && epoch <= rows.getLast().epoch()) {
            throw new IllegalArgumentException("epoch " + epoch + " is not after the last logged epoch "
                    + rows.getLast().epoch());
        }
        SequencedMap<String, Double> values = new LinkedHashMap<>();
        for (var e : metrics.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty()
                    || name.equals("epoch")
                    || name.contains(",")
                    || name.contains("\"")
                    || name.contains("\n")) {
                throw new IllegalArgumentException("metric name \"" + name
                        + "\" must be non-empty, not \"epoch\", without commas, quotes or line breaks");
            }
            values.put(name, e.getValue().doubleValue());
        }
        rows.add(new Row(epoch, values));
        columns.addAll(values.keySet());
        return this;
    }

    /** The rows in epoch order. */
    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** Every metric name seen, in first-seen order (the CSV columns after {@code epoch}). */
    public List<String> columns() {
        return List.copyOf(columns);
    }

    /** The epochs of all rows. */
    public double[] epochs() {
        return rows.stream().mapToDouble(Row::epoch).toArray();
    }

    /** One metric across all rows (NaN where a row lacks it). */
    public double[] series(String metric) {
        return rows.stream().mapToDouble(r -> r.get(metric)).toArray();
    }

    /** The CSV text. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("epoch");
        for (String c : columns) {
            sb.append(',').append(c);
        }
        sb.append('\n');
        for (Row r : rows) {
            sb.append(r.epoch());
            for (String c : columns) {
                sb.append(',');
                Double v = r.values().get(c);
                if (v != null) {
                    sb.append(v);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The JSON text (an array of row objects, one per line). */
    public String toJson() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("epoch", r.epoch());
            obj.putAll(r.values());
            sb.append(i == 0 ? "\n  " : ",\n  ");
            Json.write(sb, obj);
        }
        sb.append(rows.isEmpty() ? "]\n" : "\n]\n");
        return sb.toString();
    }

    /** Writes {@code metrics.csv} and {@code metrics.json} into {@code dir} (created if needed), each atomically. */
    public void write(Path dir) throws IOException {
        AtomicFile.writeString(dir.resolve("metrics.csv"), toCsv());
        AtomicFile.writeString(dir.resolve("metrics.json"), toJson());
    }

    /**
     * Reads a {@code metrics.json} written by {@link #write} (to continue a log when training resumes);
     * {@code null} values come back as NaN.
     */
    public static MetricsLog read(Path json) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(json));
        } catch (Json.ParseException e) {
            throw new IOException(json + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IOException(json + ": expected an array of per-epoch records");
        }
        MetricsLog log = new MetricsLog();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> rec) || !(rec.get("epoch") instanceof Long epoch)) {
                throw new IOException(json + ": record " + i + " is not an object with an integer \"epoch\"");
            }
            SequencedMap<String, Double> values = new LinkedHashMap<>();
            for (var e : rec.entrySet()) {
                if (e.getKey().equals("epoch")) {
                    continue;
                }
                if (e.getValue() != null && !(e.getValue() instanceof Number)) {
                    throw new IOException(json + ": record " + i + ", \"" + e.getKey() + "\" is not a number");
                }
                values.put(
                        (String) e.getKey(), e.getValue() == null ? Double.NaN : ((Number) e.getValue()).doubleValue());
            }
            try {
                log.add(Math.toIntExact(epoch), values);
            } catch (IllegalArgumentException | ArithmeticException bad) {
                throw new IOException(json + ": record " + i + ": " + bad.getMessage(), bad);
            }
        }
        return log;
    }

    @Override
    public String toString() {
        return "MetricsLog" + columns + " x " + rows.size() + " epochs";
    }
}
