package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MagicsTest {

    @Test
    void parsesMagicLines() {
        assertEquals(new Magics.Line("maven", "g:a:1 g:b:2"), Magics.Line.parse("  %maven   g:a:1 g:b:2  "));
        assertEquals(new Magics.Line("time", ""), Magics.Line.parse("%%time"));
        assertTrue(Magics.isLineMagic("  %classpath x"));
        assertTrue(!Magics.isLineMagic("%%ae") && !Magics.isLineMagic("int x = 5 % 2;"));
    }

    @Test
    void mavenCoordinatesAreCheckedBeforeResolving() {
        assertEquals(
                "ejml-core", MavenArtifacts.parse("org.ejml:ejml-core:0.46.1").getArtifactId());
        assertEquals("tests", MavenArtifacts.parse("g:a:jar:tests:1.0").getClassifier());
        for (String bad : new String[] {"junit", "g:a", "g::1", "g:a:1:2:3:4", "g:a :1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MavenArtifacts.parse(bad));
            assertTrue(e.getMessage().contains("write group:artifact:version"), e.getMessage());
        }
    }

    @Test
    void readsGroupAndArtifactFromARepositoryPath() {
        assertEquals(
                "org.apache.commons:commons-math3",
                Magics.groupArtifact(Path.of(
                        "/root/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar")));
        assertNull(Magics.groupArtifact(Path.of("/tmp/libs/hi.jar")));
    }

    @Test
    void wallTimesReadAsPeopleWriteThem() {
        assertEquals("12.3 ms", Magics.wallTime(12_300_000L));
        assertEquals("1.50 s", Magics.wallTime(1_500_000_000L));
        assertEquals("2 min 5.0 s", Magics.wallTime(125_000_000_000L));
    }
}
