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

    /** Runs a command; returns the process exit code (0 clean, 1 diagnostics, 2 usage or I/O problem). */
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
            Diagnostics d = FrontEnd.check(f, text).diagnostics();
            err.print(d.render());
            if (d.hasErrors()) worst = Math.max(worst, 1);
        }
        return worst;
    }
}
