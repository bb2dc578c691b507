package ae4j.dsl.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The checked model's enums and the built-ins registry name the same things: every loss, activation, corruption
 * and layer kind the language accepts has its constant, and no constant lacks a built-in.
 */
class TypedNamesTest {

    private static Set<String> registry(Builtins.Kind kind) {
        return new TreeSet<>(Builtins.names(kind));
    }

    private static <E extends Enum<E>> Set<String> words(E[] values, java.util.function.Function<E, String> word) {
        return Arrays.stream(values).map(word).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyBuiltinHasItsConstant() {
        assertEquals(registry(Builtins.Kind.LOSS), words(Loss.values(), Loss::word));
        assertEquals(registry(Builtins.Kind.CORRUPTION), words(CorruptionKind.values(), CorruptionKind::word));
        assertEquals(registry(Builtins.Kind.LAYER), words(LayerKind.values(), LayerKind::word));
        Set<String> activations = registry(Builtins.Kind.ACTIVATION);
        activations.remove("linear"); // an alias of identity
        assertEquals(activations, words(Nonlinearity.values(), Nonlinearity::word));
        assertEquals(Nonlinearity.IDENTITY, Nonlinearity.of("linear"));
    }
}
