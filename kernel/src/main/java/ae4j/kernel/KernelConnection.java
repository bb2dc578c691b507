package ae4j.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import java.security.GeneralSecurityException;
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
        context.close();
    }

    @Override
    public void waitUntilClose() {
        shellRequests.waitUntilClose();
        controlRequests.waitUntilClose();
        super.waitUntilClose();
    }
}
