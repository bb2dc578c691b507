package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
