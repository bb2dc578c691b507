package ae4j.spark;

import ae4j.dsl.analysis.HammingIndex;
import ae4j.spark.SparkModel.SparkModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The hash table of semantic hashing (section 14.9) at Spark's scale: the items grouped by their address (the
 * {@link SparkModel#hash} column) and written as Parquet, one row per distinct address with its items' ids, in
 * partitions by the address's top {@code prefixBits} bits ({@code bucket}). A query flips up to {@code radius} bits
 * of its address (the Hamming ball, sum over i = 0..r of C(bits, i) addresses) and joins those addresses with the
 * index: the same items, at the same distances, as {@link HammingIndex#ball} on one machine.
 *
 * <p>Layout: columns {@code bucket} (int, the partition column), {@code address} (long, bit j the j-th code unit),
 * {@code ids} (array of long, ascending), {@code count} (int). The address column's metadata holds the number of
 * bits ({@code ae4j.bits}) and of prefix bits ({@code ae4j.prefix}), so {@link #open} needs only the path.
 */
public final class SparkHammingIndex {

    /** The most addresses one query's ball may have (C(32, 4) + ... is 41,449; C(64, 4) + ... is 679,121). */
    public static final long MAX_BALL = 1_000_000;

    private final SparkSession spark;
    private final String path;
    private final int bits;
    private final int prefix;

    private SparkHammingIndex(SparkSession spark, String path, int bits, int prefix) {
        this.spark = spark;
        this.path = path;
        this.bits = bits;
        this.prefix = prefix;
    }

    public int bits() {
        return bits;
    }

    public int prefixBits() {
        return prefix;
    }

    public String path() {
        return path;
    }

    /**
     * Groups the rows of {@code hashed} by {@code addressCol} (a long of {@code bits} bits, as {@link SparkModel#hash}
     * writes it), keeps the {@code idCol} (long) of each, and writes the index to {@code path} (which must not
     * exist), partitioned by the top {@code prefixBits} bits of the address (0: one partition).
     */
    public static SparkHammingIndex build(
            Dataset<Row> hashed, String addressCol, String idCol, int bits, int prefixBits, String path) {
        if (bits < 1 || bits > 64) throw new SparkModelException("bits must be in 1..64, got " + bits);
        if (prefixBits < 0 || prefixBits > Math.min(16, bits))
            throw new SparkModelException(
                    "prefix bits must be in 0.." + Math.min(16, bits) + " (2^prefix partitions), got " + prefixBits);
        StructType schema = hashed.schema();
        int a = Transforms.columnIndex(schema, addressCol);
        int i = Transforms.columnIndex(schema, idCol);
        if (schema.fields()[a].dataType() != DataTypes.LongType)
            throw new SparkModelException("column '" + addressCol + "' is "
                    + schema.fields()[a].dataType().simpleString()
                    + ", not a long address (write it with SparkModel.hash)");
        if (schema.fields()[i].dataType() != DataTypes.LongType
                && schema.fields()[i].dataType() != DataTypes.IntegerType)
            throw new SparkModelException("column '" + idCol + "' is "
                    + schema.fields()[i].dataType().simpleString() + ", not a long or int id");
        SparkSession spark = hashed.sparkSession();
        if (exists(spark, path))
            throw new SparkModelException(path + " exists; remove it or choose another folder for the index");
        Metadata meta = new MetadataBuilder()
                .putLong("ae4j.bits", bits)
                .putLong("ae4j.prefix", prefixBits)
                .build();
        Column address = functions.col(addressCol);
        long high = bits == 64 ? 0 : ~((1L << bits) - 1);
        Dataset<Row> items = hashed.select(
                        address.as("address"), functions.col(idCol).cast("long").as("id"))
                .where(address.isNotNull());
        if (high != 0
                && !items.where(functions
                                .col("address")
                                .bitwiseAND(functions.lit(high))
                                .notEqual(0))
                        .limit(1)
                        .isEmpty())
            throw new SparkModelException("column '" + addressCol + "' has addresses with bits set above bit " + bits
                    + "; hash with the same number of bits as the index");
        Dataset<Row> grouped = items.groupBy(functions.col("address"))
                .agg(
                        functions.array_sort(functions.collect_list("id")).as("ids"),
                        functions.count("id").cast("int").as("count"))
                .select(
                        bucket(functions.col("address"), bits, prefixBits).as("bucket"),
                        functions.col("address").as("address", meta),
                        functions.col("ids"),
                        functions.col("count"));
        // One task writes each bucket: a file per bucket, not one per bucket and shuffle partition.
        grouped.repartition(functions.col("bucket"))
                .write()
                .partitionBy("bucket")
                .parquet(path);
        return new SparkHammingIndex(spark, path, bits, prefixBits);
    }

    /** The index written by {@link #build} at {@code path}. */
    public static SparkHammingIndex open(SparkSession spark, String path) {
        if (!exists(spark, path))
            throw new SparkModelException(
                    "no index at " + path + "; build one with SparkHammingIndex.build " + "(or ae4j spark index)");
        StructType schema = spark.read().parquet(path).schema();
        StructField f = schema.getFieldIndex("address").isDefined() ? schema.apply("address") : null;
        if (f == null || !f.metadata().contains("ae4j.bits") || !f.metadata().contains("ae4j.prefix"))
            throw new SparkModelException(path + " is not an ae4j Hamming index (no address column with ae4j.bits)");
        return new SparkHammingIndex(spark, path, (int) f.metadata().getLong("ae4j.bits"), (int)
                f.metadata().getLong("ae4j.prefix"));
    }

    private static boolean exists(SparkSession spark, String path) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + path + ": " + e.getMessage(), e);
        }
    }

    private static Column bucket(Column address, int bits, int prefix) {
        if (prefix == 0) return functions.lit(0);
        return functions.shiftrightunsigned(address, bits - prefix).cast("int");
    }

    /** The index's rows (bucket, address, ids, count). */
    public Dataset<Row> table() {
        return spark.read().parquet(path);
    }

    /** The number of addresses in a Hamming ball of this radius, or a message when it is too many or out of range. */
    private long checkRadius(int radius) {
        if (radius < 0 || radius > bits)
            throw new SparkModelException("the radius must be in 0.." + bits + ", got " + radius);
        long n = HammingIndex.ballAddresses(bits, radius);
        if (n > MAX_BALL)
            throw new SparkModelException("a Hamming ball of radius " + radius + " in " + bits + " bits has " + n
                    + " addresses, more than " + MAX_BALL + " look-ups a query; use a smaller radius");
        return n;
    }

    /** The addresses within Hamming distance {@code radius} of {@code query}, each with its distance. */
    static void ballAddresses(long query, int bits, int radius, List<long[]> out) {
        flip(query, 0, 0, radius, bits, out);
    }

    private static void flip(long address, int from, int distance, int left, int bits, List<long[]> out) {
        out.add(new long[] {address, distance});
        if (left == 0) return;
        for (int b = from; b < bits; b++) flip(address ^ (1L << b), b + 1, distance + 1, left - 1, bits, out);
    }

    /**
     * The items within Hamming distance {@code radius} of {@code query}: rows (id, distance), from the look-ups of the
     * ball's addresses in the partitions they fall in.
     */
    public Dataset<Row> ball(long query, int radius) {
        Dataset<Row> q = spark.createDataFrame(
                List.of(RowFactory.create(0L, query)),
                new StructType().add("query", DataTypes.LongType, false).add("address", DataTypes.LongType, false));
        return ball(q, "query", "address", radius).drop("query");
    }

    /**
     * The items within Hamming distance {@code radius} of each query: rows (query, id, distance) for the queries'
     * {@code queryIdCol} (long) and {@code addressCol} (long, as {@link SparkModel#hash} writes it), by joining each
     * query's ball of addresses with the index (on bucket and address, so only the partitions the balls touch are
     * read).
     */
    public Dataset<Row> ball(Dataset<Row> queries, String queryIdCol, String addressCol, int radius) {
        checkRadius(radius);
        StructType schema = queries.schema();
        Transforms.columnIndex(schema, queryIdCol);
        Transforms.columnIndex(schema, addressCol);
        int b = bits;
        int r = radius;
        int p = prefix;
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        StructType ballSchema = new StructType()
                .add("query", DataTypes.LongType, false)
                .add("bucket", DataTypes.IntegerType, false)
                .add("address", DataTypes.LongType, false)
                .add("distance", DataTypes.IntegerType, false);
        Dataset<Row> balls = queries.select(functions.col(queryIdCol).cast("long"), functions.col(addressCol))
                .where(functions.col(addressCol).isNotNull())
                .flatMap(
                        (org.apache.spark.api.java.function.FlatMapFunction<Row, Row>) row -> {
                            long id = row.getLong(0);
                            long q = row.getLong(1) & mask;
                            List<long[]> addresses = new ArrayList<>();
                            ballAddresses(q, b, r, addresses);
                            List<Row> out = new ArrayList<>(addresses.size());
                            for (long[] a : addresses)
                                out.add(RowFactory.create(id, p == 0 ? 0 : (int) (a[0] >>> (b - p)), a[0], (int) a[1]));
                            return out.iterator();
                        },
                        org.apache.spark.sql.Encoders.row(ballSchema));
        Dataset<Row> index = table();
        return balls.join(
                        index,
                        balls.col("bucket")
                                .equalTo(index.col("bucket"))
                                .and(balls.col("address").equalTo(index.col("address"))))
                .select(balls.col("query"), functions.explode(index.col("ids")).as("id"), balls.col("distance"));
    }
}
