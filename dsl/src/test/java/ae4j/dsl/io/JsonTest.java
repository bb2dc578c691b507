package ae4j.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesAndWritesBack() throws Exception {
        String text =
                "{\"a\":[1,-2,3.5,1.0E-4,true,false,null],\"b\":{\"c\":\"x\\\"y\\\\z\\n\\u0001\"},\"big\":123456789012345678901}";
        Object v = Json.parse(text);
        Map<String, Object> m = cast(v);
        assertEquals(Arrays.asList(1L, -2L, 3.5, 1.0E-4, true, false, null), m.get("a"));
        assertEquals(1.2345678901234568E20, m.get("big"));
        assertEquals("x\"y\\z\n\u0001", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals(v, Json.parse(Json.write(v)));
        assertEquals(
                "{\"b\":{\"c\":\"x\\\"y\\\\z\\n\\u0001\"}}", Json.write(Map.of("b", Map.of("c", "x\"y\\z\n\u0001"))));
    }

    @Test
    void nonFiniteDoublesBecomeNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", Double.NaN);
        m.put("b", 2.0);
        m.put("c", new double[] {1, Double.POSITIVE_INFINITY});
        assertEquals("{\"a\":null,\"b\":2.0,\"c\":[1.0,null]}", Json.write(m));
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertEquals(
                "expected ':' but found '1' at character 5",
                assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\" 1}"))
                        .getMessage());
        assertEquals(
                "duplicate key \"a\" at character 7",
                assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":1,\"a\":2}"))
                        .getMessage());
        assertEquals(
                "expected a value but found ']' at character 3",
                assertThrows(Json.ParseException.class, () -> Json.parse("[1,]"))
                        .getMessage());
        assertEquals(
                "unexpected 'x' after the end of the JSON value at character 3",
                assertThrows(Json.ParseException.class, () -> Json.parse("{} x"))
                        .getMessage());
        assertEquals(
                "unterminated string at character 0",
                assertThrows(Json.ParseException.class, () -> Json.parse("\"abc"))
                        .getMessage());
        String deep = "[".repeat(100) + "]".repeat(100);
        assertEquals(
                "JSON nested deeper than 64 levels at character 64",
                assertThrows(Json.ParseException.class, () -> Json.parse(deep)).getMessage());
        assertEquals(
                "expected a digit but found 'a' at character 1",
                assertThrows(Json.ParseException.class, () -> Json.parse("-a")).getMessage());
        assertEquals(
                "unexpected '1' after the end of the JSON value at character 1",
                assertThrows(Json.ParseException.class, () -> Json.parse("01")).getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
