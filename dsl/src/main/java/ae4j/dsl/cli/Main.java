package ae4j.dsl.cli;

import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.format.Formatter;
import ae4j.dsl.syntax.Diagnostics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/** The language commands of the ae4j launcher: {@code check FILE...} and {@code fmt [--check] FILE...}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code (0 no errors (warnings allowed), 1 errors, 2 usage or I/O problem). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: ae4j check FILE...  |  ae4j fmt [--check] FILE...");
            return 2;
        }
        String cmd = args[0];
        List<String> files = Arrays.asList(args).subList(1, args.length);
        return switch (cmd) {
            case "check" -> check(files, out, err);
            case "fmt" -> fmt(files, out, err);
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

    /**
     * Rewrites each file in its canonical format (atomically: a temporary file beside it, then a rename).
     * A file with syntax errors is left untouched and its diagnostics printed. With {@code --check}
     * nothing is written; the files that would change are listed. Exit 0 when every file was (or already
     * is) formatted, 1 when a file has syntax errors or, with --check, would change, 2 on usage or I/O errors.
     */
    static int fmt(List<String> args, PrintStream out, PrintStream err) {
        boolean checkOnly = false;
        List<String> files = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.equals("--check")) checkOnly = true;
            else if (a.startsWith("--")) {
                err.println("ae4j fmt: unknown option '" + a + "' (the only option is --check)");
                return 2;
            } else files.add(a);
        }
        if (files.isEmpty()) {
            err.println("usage: ae4j fmt [--check] FILE...  (rewrites .ae files in canonical form; --check only lists the ones that would change)");
            return 2;
        }
        int worst = 0;
        for (String f : files) {
            Path path = Path.of(f);
            String text;
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                err.println("ae4j: " + f + ": no such file");
                worst = 2;
                continue;
            } catch (IOException e) {
                err.println("ae4j: " + f + ": cannot read (" + e.getMessage() + ")");
                worst = 2;
                continue;
            }
            Formatter.Result r = Formatter.format(f, text);
            if (!r.ok()) {
                err.print(r.diagnostics().render());
                err.println("ae4j fmt: " + f + ": not formatted (fix the syntax errors first)");
                worst = Math.max(worst, 1);
                continue;
            }
            if (r.text().equals(text)) continue;
            if (checkOnly) {
                out.println(f);
                worst = Math.max(worst, 1);
                continue;
            }
            try {
                writeAtomically(path, r.text());
                out.println("formatted " + f);
            } catch (IOException e) {
                err.println("ae4j: " + f + ": cannot write (" + e.getMessage() + "); the file is unchanged");
                worst = 2;
            }
        }
        return worst;
    }

    /** Writes to a temporary file in the same directory, then renames it over the target. */
    static void writeAtomically(Path path, String text) throws IOException {
        Path abs = path.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(abs));
            } catch (UnsupportedOperationException | IOException ignored) {
                // keep the temporary file's default permissions
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
