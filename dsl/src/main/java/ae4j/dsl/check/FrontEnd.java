package ae4j.dsl.check;

import ae4j.dsl.ast.Program;
import ae4j.dsl.syntax.Diagnostics;
import ae4j.dsl.syntax.SizeLimits;
import ae4j.dsl.syntax.SourceParser;

/**
 * The one entry point of the language front end: text in, program and diagnostics out. Everything that
 * reads .ae text (the CLI, the notebook kernel, tests) goes through here: parse, then check.
 */
public final class FrontEnd {

    /**
     * The parsed program (null when there are syntax errors), every diagnostic, and the checked program
     * (null unless the program has no errors; warnings allowed).
     */
    public record Result(Program program, Diagnostics diagnostics, CheckedProgram checked) {
        public boolean ok() {
            return program != null && !diagnostics.hasErrors();
        }
    }

    private FrontEnd() {}

    /** Parses and checks on a stack deep enough for the largest program {@link SizeLimits} allows. */
    public static Result check(String file, String source) {
        return SizeLimits.onDeepStack(() -> checkHere(file, source));
    }

    private static Result checkHere(String file, String source) {
        SourceParser.Parsed parsed = SourceParser.parse(file, source == null ? "" : source);
        if (parsed.program() == null) return new Result(null, parsed.diagnostics(), null);
        CheckedProgram checked = Checker.check(parsed.program(), parsed.diagnostics());
        return new Result(parsed.program(), parsed.diagnostics(), checked);
    }
}
