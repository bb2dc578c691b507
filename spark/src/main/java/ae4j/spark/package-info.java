/**
 * Trained ae4j models on Apache Spark (docs/spark.md). In: a model file (program text and weights) checked and
 * compiled on the driver ({@link ae4j.spark.SparkModel}), a {@code Dataset<Row>} with an array column. Out: the
 * same rows with the code, reconstruction, error, score or hash address of each, computed in batches inside
 * mapPartitions by the class files the driver compiled; the semantic-hashing index as Parquet and its Hamming-ball
 * queries ({@link ae4j.spark.SparkHammingIndex}); the command line {@code ae4j spark} and {@code ae4j bench spark}.
 */
package ae4j.spark;
