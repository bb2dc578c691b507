package ae4j.kernel;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.imageio.ImageIO;

/**
 * Writes the kernelspec Jupyter uses to start the kernel: {@code kernel.json} (argv with the JDK and class
 * path the launcher found, the Vector API module, the {@link ExitGuard} agent, {@code interrupt_mode: message}),
 * the agent's jar and two logos.
 */
final class KernelSpec {

    static final String NAME = "ae4j";
    static final String DISPLAY_NAME = "ae4j (Java 25)";
    /** The {@link ExitGuard} agent's jar: a manifest only; the class itself comes from the class path. */
    static final String AGENT_JAR = "exit-guard.jar";

    private KernelSpec() {}

    /** {@code install [--user | --prefix DIR] --java JAVA --classpath CP}; returns the exit code. */
    static int install(String[] args) throws IOException {
        Path prefix = null;
        String java = null;
        String cp = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--user" -> prefix = null;
                case "--prefix" -> prefix = Path.of(need(args, ++i, "--prefix DIR"));
                case "--java" -> java = need(args, ++i, "--java PATH");
                case "--classpath" -> cp = need(args, ++i, "--classpath CP");
                default -> {
                    System.err.println(
                            "ae4j kernel install: unknown option '" + args[i] + "' (use --user or --prefix DIR)");
                    return 2;
                }
            }
        }
        if (java == null || cp == null) {
            System.err.println(
                    "ae4j kernel install: run it through ./ae4j kernel install, which passes --java and --classpath");
            return 2;
        }
        Path dir = kernelsDir(prefix).resolve(NAME);
        write(dir, java, cp);
        System.out.println("installed the ae4j kernel (" + DISPLAY_NAME + ") in " + dir);
        return 0;
    }

    private static String need(String[] args, int i, String what) {
        if (i >= args.length) throw new IllegalArgumentException("ae4j kernel install: " + what + " needs a value");
        return args[i];
    }

    /** Where Jupyter looks for kernels: DATA_DIR/kernels for --user, PREFIX/share/jupyter/kernels otherwise. */
    static Path kernelsDir(Path prefix) {
        if (prefix != null) return prefix.resolve("share").resolve("jupyter").resolve("kernels");
        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) return Path.of(dataDir).resolve("kernels");
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("jupyter").resolve("kernels");
    }

    static void write(Path dir, String java, String classpath) throws IOException {
        Files.createDirectories(dir);
        Path agent = dir.toAbsolutePath().resolve(AGENT_JAR);
        writeAgentJar(agent);
        List<String> argv = new ArrayList<>(List.of(
                java,
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                // protobuf-java (ONNX export) reads arrays through sun.misc.Unsafe: no warning in the cell output
                "--sun-misc-unsafe-memory-access=allow",
                "-XX:+UseParallelGC",
                "-javaagent:" + agent,
                "-cp",
                classpath,
                "ae4j.kernel.KernelMain",
                "{connection_file}"));
        StringBuilder b = new StringBuilder("{\n  \"argv\": [");
        for (int i = 0; i < argv.size(); i++) b.append(i > 0 ? ", " : "").append(quote(argv.get(i)));
        b.append("],\n  \"display_name\": ").append(quote(DISPLAY_NAME)).append(",\n  \"language\": \"java\",\n");
        b.append("  \"interrupt_mode\": \"message\",\n  \"metadata\": {\"debugger\": false}\n}\n");
        Path tmp = dir.resolve("kernel.json.tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(
                tmp, dir.resolve("kernel.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path js = dir.resolve("kernel.js.tmp");
        Files.writeString(js, kernelJs(), StandardCharsets.UTF_8);
        Files.move(js, dir.resolve("kernel.js"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (int size : new int[] {32, 64})
            ImageIO.write(
                    logo(size),
                    "png",
                    dir.resolve("logo-" + size + "x" + size + ".png").toFile());
    }

    /**
     * The classic notebook's kernel.js (Jupyter Notebook 6 loads it from the kernelspec when the kernel starts):
     * a CodeMirror mode "ae4j" for the language (keywords, built-ins by kind, numbers, strings, # comments,
     * option names before ':') and a highlight rule that gives cells whose first line is %%ae that mode. The
     * word lists come from the checker's registry, so they match the language of this build.
     */
    static String kernelJs() throws IOException {
        java.util.Set<String> builtins = new java.util.TreeSet<>();
        for (ae4j.dsl.check.Builtins.Builtin b : ae4j.dsl.check.Builtins.all()) {
            if (b.kind() != ae4j.dsl.check.Builtins.Kind.TRAIN_OPTION) builtins.add(b.name());
        }
        builtins.removeAll(AeWords.KEYWORDS.keySet());
        String words =
                "{\"keywords\": " + jsonList(AeWords.KEYWORDS.keySet()) + ", \"builtins\": " + jsonList(builtins) + "}";
        try (var in = KernelSpec.class.getResourceAsStream("kernel.js")) {
            if (in == null) throw new IOException("kernel.js is missing from the kernel's jar or classes");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("/*AE4J_WORDS*/ {}", words);
        }
    }

    private static String jsonList(java.util.Collection<String> words) {
        return words.stream().map(KernelSpec::quote).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    private static void writeAgentJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", ExitGuard.class.getName());
        m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path tmp = jar.resolveSibling(AGENT_JAR + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            new JarOutputStream(out, m).finish(); // nothing but the manifest
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The logo: "ae" in white on a teal rounded square. */
    static BufferedImage logo(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(0x0b7a75));
        g.fillRoundRect(0, 0, size, size, size / 4, size / 4);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size * 9 / 16));
        var fm = g.getFontMetrics();
        String t = "ae";
        g.drawString(t, (size - fm.stringWidth(t)) / 2, (size - fm.getHeight()) / 2 + fm.getAscent());
        g.dispose();
        return img;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
