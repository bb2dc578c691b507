package ae4j.kernel;

import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the kernel on a Jupyter connection file ({@code ae4j.kernel.KernelMain CONNECTION_FILE}), or
 * installs its kernelspec ({@code install [--user | --prefix DIR] --java JAVA --classpath CP}).
 */
public final class KernelMain {

    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("install")) {
            System.exit(KernelSpec.install(args));
        }
        if (args.length != 1) {
            System.err.println(
                    "usage: ae4j.kernel.KernelMain CONNECTION_FILE (Jupyter starts the kernel this way; to install it run "
                            + "./ae4j kernel install)");
            System.exit(2);
        }
        // The base kernel logs every message at INFO on stderr; only problems are worth showing.
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var h : Logger.getLogger("").getHandlers()) h.setLevel(Level.WARNING);
        String json;
        try {
            json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            System.err.println("ae4j kernel: connection file " + args[0] + " not found");
            System.exit(2);
            return;
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(json);
        KernelConnection connection = new KernelConnection(props);
        Ae4jKernel kernel = new Ae4jKernel(Path.of("").toAbsolutePath());
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        ExitGuard.arm();
        connection.waitUntilClose();
        ExitGuard.disarm();
        System.exit(0);
    }
}
