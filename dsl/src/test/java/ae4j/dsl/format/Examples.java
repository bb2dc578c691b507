package ae4j.dsl.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The example programs in the repository's examples/ folder (tests run in the dsl module's folder). */
public final class Examples {

    private Examples() {}

    public static Path dir() {
        for (Path p : List.of(Path.of("..", "examples"), Path.of("examples"))) {
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException(
                "examples/ not found from " + Path.of("").toAbsolutePath());
    }

    public static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".ae")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
