package ae4j.dsl.compile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated Java source in memory with javax.tools (with the Vector API module added) and loads
 * it in a child class loader. A compile error in generated code is an ae4j bug: the exception names the
 * saved source file so it can be reported.
 */
public final class InMemoryCompiler {

    private static final java.util.concurrent.atomic.AtomicLong COMPILATIONS =
            new java.util.concurrent.atomic.AtomicLong();

    private InMemoryCompiler() {}

    /** How many times javac has run in this process (the class cache's tests use it). */
    public static long compilations() {
        return COMPILATIONS.get();
    }

    /** Compiles {@code source} (one public top-level class {@code className}) and returns the loaded class. */
    public static Class<?> compile(String className, String source) {
        return compileAll(Map.of(className, source)).get(className);
    }

    /** Compiles {@code source} to class files: binary class name to bytes (nested classes included). */
    public static Map<String, byte[]> compileToBytes(String className, String source) {
        return compileAllToBytes(Map.of(className, source));
    }

    /**
     * Compiles several sources (class name to source, one public top-level class each) in one javac task,
     * which is much cheaper than one task per class, and loads them in one class loader.
     */
    public static Map<String, Class<?>> compileAll(Map<String, String> sources) {
        Map<String, byte[]> bytes = compileAllToBytes(sources);
        Map<String, Class<?>> loaded = new java.util.LinkedHashMap<>();
        ClassLoader loader = loader(bytes);
        for (String className : sources.keySet()) {
            try {
                loaded.put(className, loader.loadClass(className));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("ae4j bug: compiled " + className + " but cannot load it", e);
            }
        }
        return loaded;
    }

    /** Defines the classes in a new child class loader and returns {@code className}. */
    public static Class<?> load(String className, Map<String, byte[]> bytes) {
        try {
            return loader(bytes).loadClass(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("ae4j bug: compiled " + className + " but cannot load it", e);
        }
    }

    private static ClassLoader loader(Map<String, byte[]> bytes) {
        return new ClassLoader(InMemoryCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = bytes.get(name);
                if (b == null) throw new ClassNotFoundException(name);
                return defineClass(name, b, 0, b.length);
            }
        };
    }

    private static Map<String, byte[]> compileAllToBytes(Map<String, String> sources) {
        COMPILATIONS.incrementAndGet();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime (" + System.getProperty("java.home")
                    + "); ae4j needs a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diags, null, StandardCharsets.UTF_8);
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(
                    Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        classes.put(name, out);
                        return out;
                    }
                };
            }
        };
        List<JavaFileObject> files = new java.util.ArrayList<>();
        sources.forEach((className, source) -> files.add(
                new SimpleJavaFileObject(
                        URI.create("string:///" + className.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension),
                        JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                }));
        List<String> options = List.of(
                "--add-modules",
                "jdk.incubator.vector",
                "-proc:none",
                "-nowarn",
                "-XDsuppressNotes",
                "-classpath",
                System.getProperty("java.class.path"));
        boolean ok = javac.getTask(null, fm, diags, options, null, files).call();
        if (!ok) {
            String className = null;
            StringBuilder b = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    if (className == null && d.getSource() != null) {
                        String path = d.getSource().toUri().getPath();
                        className = path.substring(1, path.length() - JavaFileObject.Kind.SOURCE.extension.length())
                                .replace('/', '.');
                    }
                    b.append("  line ")
                            .append(d.getLineNumber())
                            .append(": ")
                            .append(d.getMessage(null))
                            .append('\n');
                }
            }
            if (className == null || !sources.containsKey(className))
                className = sources.keySet().iterator().next();
            Path saved = save(className, sources.get(className));
            throw new IllegalStateException("ae4j bug: the generated code for " + className + " does not compile.\n" + b
                    + "The source is saved at " + saved + "; please report it with the .ae file.");
        }
        Map<String, byte[]> bytes = new HashMap<>();
        classes.forEach((k, v) -> bytes.put(k, v.toByteArray()));
        return bytes;
    }

    private static Path save(String className, String source) {
        try {
            Path p = Files.createTempFile("ae4j-" + className.replace('.', '-') + "-", ".java");
            Files.writeString(p, source);
            return p;
        } catch (IOException e) {
            return Path.of("(could not save: " + e.getMessage() + ")");
        }
    }
}
