package ae4j.api;

import ae4j.dsl.run.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The front door for Java code (JShell, a notebook's Java cells): run ae4j language text and reach the
 * models and data sets it declares.
 *
 * <pre>{@code
 * Ae4j.eval("""
 *     data blobs = gaussian_mixture(k: 3, dim: 2, n: 2000)
 *     model ae { input x[2]  encoder f { dense 8 tanh; dense 1 }  decoder g { dense 8 tanh; dense 2 }
 *                minimize mse(x, g(f(x))) }
 *     train ae on blobs { epochs: 5 }
 *     """);
 * Model ae = Ae4j.model("ae");
 * }</pre>
 *
 * All calls share one {@link Session} (in a notebook, the kernel's): declarations persist between calls.
 */
public final class Ae4j {

    private static Session session;
    private static int cells;

    private Ae4j() {}

    /** The shared session: data and save paths relative to the current folder, reports in a temporary folder. */
    public static synchronized Session session() {
        if (session == null) {
            try {
                Path reports = Files.createTempDirectory("ae4j-reports");
                session = new Session(Path.of("").toAbsolutePath(), reports, null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a folder for reports: " + e.getMessage(), e);
            }
        }
        return session;
    }

    /** Makes {@code s} the shared session (the notebook kernel does this at start). */
    public static synchronized void use(Session s) {
        session = s;
    }

    /**
     * Checks and runs ae4j language text against the declarations made so far; output goes to System.out and
     * System.err. Throws {@link AeException} with file:line:col diagnostics when the text has errors, or
     * with the problem when running it fails (bad data, diverging training).
     */
    public static void eval(String source) {
        evalOrThrow(session(), source);
    }

    static void evalOrThrow(Session s, String source) {
        evalOrThrow(s, source, null);
    }

    /** Runs {@code source}; {@code observer} (may be null) also hears about each training it runs. */
    static void evalOrThrow(Session s, String source, ae4j.dsl.run.Runner.Hooks observer) {
        String name;
        synchronized (Ae4j.class) {
            name = "eval[" + (++cells) + "]";
        }
        Session.Outcome o = s.eval(name, source, System.out, System.err, observer);
        if (!o.ok())
            throw new AeException(
                    o.error() != null ? o.error() : o.diagnostics().stripTrailing());
    }

    /** The model declared as {@code name}. */
    public static Model model(String name) {
        Session s = session();
        if (s.checkedModel(name) == null) {
            throw new IllegalArgumentException("no model named '" + name + "'; declared: " + s.modelNames());
        }
        return new Model(s, name);
    }

    /** The data set declared as {@code name} (read or generated on first use). */
    public static Data data(String name) {
        Session s = session();
        if (!s.dataNames().contains(name)) {
            throw new IllegalArgumentException("no data set named '" + name + "'; declared: " + s.dataNames());
        }
        return new Data(s, name);
    }

    /** The names of the declared models. */
    public static List<String> models() {
        return session().modelNames();
    }

    /** The names of the declared data sets. */
    public static List<String> dataSets() {
        return session().dataNames();
    }
}
