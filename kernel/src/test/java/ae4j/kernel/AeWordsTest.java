package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.check.Builtins;
import java.util.List;
import org.junit.jupiter.api.Test;

class AeWordsTest {

    @Test
    void completesByPosition() {
        assertEquals(List.of("sigmoid"), AeWords.candidates("sigm", "model m { encoder f { dense 3 sigm", List.of()));
        // Inside a call: parameter names, not activations.
        assertTrue(AeWords.candidates("sig", "corrupt x~ = gaussian(x, sig", List.of())
                .contains("sigma"));
        // Elsewhere: keywords, built-ins and names declared earlier or in the cell.
        assertTrue(AeWords.candidates("jacobian_sp", "analyze m on d { jacobian_sp", List.of())
                .contains("jacobian_spectrum"));
        assertEquals(
                List.of("mnist_train"), AeWords.candidates("mnist_t", "train m on mnist_t", List.of("mnist_train")));
        assertEquals(
                List.of("blobs"),
                AeWords.candidates("blo", "data blobs = gaussian_mixture(k: 2)\ntrain m on blo", List.of()));
        assertTrue(AeWords.candidates("mini", "model m {\n  mini", List.of()).contains("minimize"));
    }

    @Test
    void completesByBlock() {
        List<String> analyses = Builtins.analysesThatRun();
        // evaluate and analyze blocks: the analyses, and nothing else (not the 120 words)
        assertEquals(analyses, AeWords.candidates("", "evaluate m on d { ", List.of("m", "d")));
        assertEquals(analyses, AeWords.candidates("", "%%ae\nanalyze m on d {\n  ", List.of()));
        List<String> afterLoss = AeWords.candidates("", "evaluate m on d { loss, ", List.of());
        assertFalse(afterLoss.contains("loss"), "an analysis already given is not offered again");
        assertEquals(analyses.size() - 1, afterLoss.size());
        // train blocks: the options; after optimizer: the optimizers; in a call, its parameters
        List<String> options = Builtins.names(Builtins.Kind.TRAIN_OPTION);
        assertEquals(options, AeWords.candidates("", "train m on d { ", List.of()));
        List<String> more = AeWords.candidates("", "train m on d { epochs: 3, batch: 64, ", List.of());
        assertFalse(more.contains("epochs") || more.contains("batch"), more.toString());
        assertTrue(more.contains("optimizer") && more.contains("seed"), more.toString());
        assertEquals(
                Builtins.names(Builtins.Kind.OPTIMIZER),
                AeWords.candidates("", "train m on d { epochs: 3, optimizer: ", List.of()));
        assertTrue(AeWords.candidates("ad", "train m on d { optimizer: ad", List.of())
                .contains("adam"));
        List<String> adam = AeWords.candidates("", "train m on d { optimizer: adam(", List.of());
        assertTrue(adam.containsAll(List.of("lr", "beta1", "beta2")), adam.toString());
        assertFalse(adam.contains("sigma"), "not every built-in's parameters");
        assertEquals(List.of("greedy"), AeWords.candidates("gr", "train m on d { pretrain: gr", List.of()));
        assertEquals(List.of("val"), AeWords.candidates("", "train m on d { validation: ", List.of("val")));
        // after the block closes: statements again
        assertTrue(AeWords.candidates("mo", "train m on d { epochs: 1 }\nmo", List.of())
                .contains("model"));
    }

    @Test
    void documentsKeywordsAndBuiltins() {
        String relu = AeWords.documentation("relu");
        assertNotNull(relu);
        assertTrue(relu.contains("activation") && relu.contains("max(0, z)"), relu);
        String gauss = AeWords.documentation("gaussian");
        assertTrue(gauss.contains("sigma") && gauss.contains("14.17"), gauss); // the corruption, with eq. 14.17
        assertTrue(AeWords.documentation("corrupt").contains("C(x~ | x)"));
        assertNull(AeWords.documentation("no_such_word"));
        assertEquals("relu", AeWords.wordAt("dense 3 relu }", 10));
    }
}
