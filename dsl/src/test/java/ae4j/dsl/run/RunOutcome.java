package ae4j.dsl.run;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What {@code ae4j run} printed and returned, for tests that run whole programs. */
public record RunOutcome(int code, String out, String err) {

    public static RunOutcome of(Path file, Runner.Options options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Runner.run(
                file,
                options,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new RunOutcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    public static RunOutcome of(Path file, Path outDir) {
        return of(file, new Runner.Options(outDir, 0));
    }
}
