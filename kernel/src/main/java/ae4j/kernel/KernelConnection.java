package ae4j.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.zeromq.ZMQ;

/**
 * The kernel's Jupyter connection: the base kernel's heartbeat, stdin and iopub channels, with shell and
 * control channels that survive hostile messages ({@link RequestChannel}) in place of the base kernel's two.
 */
final class KernelConnection extends JupyterConnection {

    private final KernelConnectionProperties properties;
    private final ZMQ.Context context = ZMQ.context(1);
    private final RequestChannel shellRequests;
    private final RequestChannel controlRequests;
    private boolean closed;

    KernelConnection(KernelConnectionProperties properties) throws GeneralSecurityException {
        super(properties);
        this.properties = properties;
        HMACGenerator hmac = properties.createHMACGenerator();
        shellRequests = new RequestChannel(context, hmac, false, this);
        controlRequests = new RequestChannel(context, hmac, true, this);
    }

    @Override
    public void connect() {
        heartbeat.bind(properties);
        iopub.bind(properties);
        stdin.bind(properties);
        shellRequests.bind(properties);
        controlRequests.bind(properties);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        shellRequests.close();
        controlRequests.close();
        super.close(); // heartbeat, stdin, iopub and the base kernel's two unused request channels
    }

    /**
     * Returns once the connection is closed and its channels' threads have ended, except a shell thread still
     * running a cell that does not stop (the user restarts the kernel because of it): that cell ends with the
     * process. The request channels' context ends here, on the kernel's main thread: a channel thread that ended
     * it (while handling a shutdown request) would wait for its own socket to close.
     */
    @Override
    public void waitUntilClose() {
        controlRequests.waitUntilClose();
        boolean shellEnded = shellRequests.waitUntilClose(Duration.ofSeconds(1));
        super.waitUntilClose();
        if (shellEnded) context.close();
    }
}
