package ae4j.dsl.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ae4j.dsl.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    @TempDir
    Path dir;

    private static Map<String, Double> row(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    private static MetricsLog sample() {
        return new MetricsLog()
                .add(1, row("train_loss", 0.5, "val_loss", 0.625))
                .add(2, row("train_loss", 0.25, "seconds", 1.5))
                .add(3, row("train_loss", 1e-4, "val_loss", Double.NaN, "seconds", 2));
    }

    @Test
    void csvHasAllColumnsInFirstSeenOrderAndEmptyFieldsForMissing() throws IOException {
        MetricsLog log = sample();
        log.write(dir);
        assertEquals("""
                epoch,train_loss,val_loss,seconds
                1,0.5,0.625,
                2,0.25,,1.5
                3,1.0E-4,NaN,2.0
                """, Files.readString(dir.resolve("metrics.csv")));
        assertEquals(List.of("train_loss", "val_loss", "seconds"), log.columns());
        assertArrayEquals(new double[] {0.625, Double.NaN, Double.NaN}, log.series("val_loss"));
        assertArrayEquals(new double[] {1, 2, 3}, log.epochs());
    }

    @Test
    void jsonIsAnArrayOfRecordsWithNullForNonFinite() throws Exception {
        sample().write(dir);
        String json = Files.readString(dir.resolve("metrics.json"));
        assertEquals("""
                [
                  {"epoch":1,"train_loss":0.5,"val_loss":0.625},
                  {"epoch":2,"train_loss":0.25,"seconds":1.5},
                  {"epoch":3,"train_loss":1.0E-4,"val_loss":null,"seconds":2.0}
                ]
                """, json);
        Object parsed = Json.parse(json);
        assertEquals(3, ((List<?>) parsed).size());
        assertEquals("[]\n", new MetricsLog().toJson());
    }

    @Test
    void readsBackWhatItWrote() throws IOException {
        sample().write(dir);
        MetricsLog back = MetricsLog.read(dir.resolve("metrics.json"));
        assertEquals(sample().toCsv(), back.toCsv());
        Files.writeString(dir.resolve("bad.json"), "[{\"epoch\":1},{\"epoch\":1}]");
        IOException e = assertThrows(IOException.class, () -> MetricsLog.read(dir.resolve("bad.json")));
        assertEquals(
                dir.resolve("bad.json") + ": record 1: epoch 1 is not after the last logged epoch 1", e.getMessage());
    }

    @Test
    void epochsMustIncreaseAndNamesMustFitCsv() {
        MetricsLog log = sample();
        assertEquals(
                "epoch 3 is not after the last logged epoch 3",
                assertThrows(IllegalArgumentException.class, () -> log.add(3, row("a", 1)))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> log.add(4, row("a,b", 1)));
        assertThrows(IllegalArgumentException.class, () -> log.add(4, row("epoch", 1)));
    }
}
