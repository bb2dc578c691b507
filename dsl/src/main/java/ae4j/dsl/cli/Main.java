package ae4j.dsl.cli;

import ae4j.dsl.syntax.Diagnostics;
import ae4j.dsl.check.FrontEnd;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The language commands of the ae4j launcher: {@code check FILE...}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code (0 no errors (warnings allowed), 1 errors, 2 usage or I/O problem). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: ae4j check FILE...");
            return 2;
        }
        String cmd = args[0];
        List<String> files = Arrays.asList(args).subList(1, args.length);
        return switch (cmd) {
            case "check" -> check(files, out, err);
            default -> {
                err.println("ae4j: unknown language command '" + cmd + "'");
                yield 2;
            }
        };
    }

    static int check(List<String> files, PrintStream out, PrintStream err) {
        if (files.isEmpty()) {
            err.println("usage: ae4j check FILE...  (checks .ae files and prints their diagnostics)");
            return 2;
        }
        int worst = 0;
        long errors = 0;
        long warnings = 0;
        for (String f : files) {
            String text;
            try {
                text = Files.readString(Path.of(f), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                err.println("ae4j: " + f + ": no such file");
                worst = 2;
                continue;
            } catch (IOException e) {
                err.println("ae4j: " + f + ": cannot read (" + e.getMessage() + ")");
                worst = 2;
                continue;
            }
            Diagnostics d;
            try {
                d = FrontEnd.check(f, text).diagnostics();
            } catch (RuntimeException e) {
                err.println("ae4j: " + f + ": internal error (" + e + "); please report it");
                worst = 2;
                continue;
            }
            err.print(d.render());
            errors += d.errorCount();
            warnings += d.warningCount();
            if (d.hasErrors()) worst = Math.max(worst, 1);
        }
        if (errors + warnings > 0) err.println(summary(errors, warnings));
        return worst;
    }

    /** "2 errors, 1 warning". */
    static String summary(long errors, long warnings) {
        StringBuilder b = new StringBuilder();
        if (errors > 0) b.append(errors).append(errors == 1 ? " error" : " errors");
        if (warnings > 0) {
            if (b.length() > 0) b.append(", ");
            b.append(warnings).append(warnings == 1 ? " warning" : " warnings");
        }
        return b.toString();
    }
}
