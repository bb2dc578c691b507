package ae4j.dsl.analysis;

import java.io.IOException;

/**
 * One named analysis of a trained model on a data set ({@code evaluate m on d { NAME(args) }}). It prints
 * its numbers to {@link AnalysisContext#out()}, writes its pictures and tables into
 * {@link AnalysisContext#dir()}, and returns its main numbers (for tests, notebooks and metrics files).
 */
@FunctionalInterface
public interface Analysis {

    java.util.Map<String, Double> run(AnalysisContext ctx) throws IOException;
}
