package ae4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.analysis.HammingIndex;
import ae4j.spark.SparkModel.SparkModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The index written as Parquet and queried by Hamming balls against the one-machine HammingIndex. */
class SparkHammingIndexTest {

    static final int BITS = 12;
    static long[] codes;
    static HammingIndex local;
    static SparkHammingIndex index;

    @BeforeAll
    static void build() {
        float[][] x = SharedSpark.examples();
        float[][] h = SharedSpark.model().encode(x); // the one-JVM codes, binarised as Retrieval does
        codes = new long[x.length];
        for (int i = 0; i < x.length; i++) for (int j = 0; j < BITS; j++) if (h[i][j] >= 0.5f) codes[i] |= 1L << j;
        local = HammingIndex.build(codes, BITS);
        SparkModel m = SparkModel.load(SharedSpark.modelFile());
        Dataset<Row> hashed = m.hash(SharedSpark.frame(x, 3), "x", "address", BITS);
        String path = SharedSpark.folder().resolve("index").toString();
        SparkHammingIndex.build(hashed, "address", "id", BITS, 3, path);
        index = SparkHammingIndex.open(SharedSpark.session(), path);
    }

    /** "item:distance" of every answer, sorted. */
    private static TreeSet<String> answers(List<Row> rows, int idCol, int distanceCol) {
        TreeSet<String> s = new TreeSet<>();
        for (Row r : rows) assertTrue(s.add(r.getLong(idCol) + ":" + r.getInt(distanceCol)), "each item once: " + r);
        return s;
    }

    private static TreeSet<String> localBall(long q, int radius) {
        TreeSet<String> s = new TreeSet<>();
        local.ball(q, radius, (item, d) -> s.add(item + ":" + d));
        return s;
    }

    @Test
    void theIndexHoldsEachDistinctAddressOnceWithItsItems() {
        assertEquals(BITS, index.bits());
        assertEquals(3, index.prefixBits());
        List<Row> rows = index.table().collectAsList();
        assertEquals(local.distinctAddresses(), rows.size());
        long items = 0;
        for (Row r : rows) {
            long a = r.getLong(r.fieldIndex("address"));
            assertEquals(local.count(a), r.getInt(r.fieldIndex("count")));
            assertEquals((int) (a >>> (BITS - 3)), r.getInt(r.fieldIndex("bucket")));
            items += r.getInt(r.fieldIndex("count"));
        }
        assertEquals(codes.length, items);
    }

    @Test
    void oneQueryGivesTheOneMachineBallAtEachRadius() {
        for (int item : new int[] {0, 17, 500}) {
            for (int radius = 0; radius <= 3; radius++) {
                TreeSet<String> want = localBall(codes[item], radius);
                assertTrue(want.contains(item + ":0"));
                assertEquals(want, answers(index.ball(codes[item], radius).collectAsList(), 0, 1), "radius " + radius);
            }
        }
        // an address no item has: the ball is found from its neighbours only
        long empty = 0;
        while (local.count(empty) > 0) empty++;
        assertEquals(localBall(empty, 2), answers(index.ball(empty, 2).collectAsList(), 0, 1));
    }

    @Test
    void aBatchOfQueriesGivesEachQueryItsBall() {
        List<Row> q = new ArrayList<>();
        for (int i = 0; i < 40; i++) q.add(RowFactory.create((long) (1000 + i), codes[i * 23]));
        Dataset<Row> queries = SharedSpark.session()
                .createDataFrame(
                        q,
                        new StructType().add("qid", DataTypes.LongType, false).add("addr", DataTypes.LongType, false));
        Map<Long, List<Row>> got = new TreeMap<>();
        for (Row r : index.ball(queries, "qid", "addr", 2).collectAsList())
            got.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(r);
        for (int i = 0; i < 40; i++)
            assertEquals(localBall(codes[i * 23], 2), answers(got.get(1000L + i), 1, 2), "query " + i);
    }

    @Test
    void badIndexRequestsAreRefused() {
        assertTrue(assertThrows(SparkModelException.class, () -> index.ball(0L, 13))
                .getMessage()
                .contains("radius must be in 0..12"));
        assertTrue(assertThrows(
                        SparkModelException.class,
                        () -> SparkHammingIndex.open(SharedSpark.session(), index.path() + "-none"))
                .getMessage()
                .contains("no index at"));
        Dataset<Row> t = index.table();
        assertTrue(assertThrows(
                        SparkModelException.class,
                        () -> SparkHammingIndex.build(t, "address", "count", BITS, 3, index.path()))
                .getMessage()
                .contains("exists; remove it"));
    }
}
