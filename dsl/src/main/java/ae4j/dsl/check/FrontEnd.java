package ae4j.dsl.check;

import ae4j.dsl.ast.Program;
import ae4j.dsl.syntax.Diagnostics;
import ae4j.dsl.syntax.SourceParser;

/**
 * The one entry point of the language front end: text in, program and diagnostics out. Everything that
 * reads .ae text (the CLI, the notebook kernel, tests) goes through here.
 */
public final class FrontEnd {

    /** The checked program (null when there are syntax errors) and every diagnostic. */
    public record Result(Program program, Diagnostics diagnostics) {
        public boolean ok() {
            return program != null && !diagnostics.hasErrors();
        }
    }

    private FrontEnd() {
    }

    public static Result check(String file, String source) {
        SourceParser.Parsed parsed = SourceParser.parse(file, source);
        return new Result(parsed.program(), parsed.diagnostics());
    }
}
