package ae4j.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;

/**
 * The shell or the control channel: one thread reads the requests one at a time and hands each to the kernel's
 * handler for its type. The base kernel's channel thread dies on the first message it cannot read, after which
 * no request is answered while the heartbeat still says the kernel is alive. Here a message with a wrong
 * signature, JSON that does not parse or nests too deeply, or missing frames is logged and dropped, a handler
 * that fails is logged, and the channel goes on serving.
 */
final class RequestChannel extends ShellChannel {

    private static final Logger LOG = Logger.getLogger(RequestChannel.class.getName());
    private static final long POLL_MS = 100;

    private final String name;
    private final boolean control;
    private final JupyterConnection connection;
    private volatile boolean open = true;
    private Thread thread;
    /** Whether the message being read has given a frame yet (see {@link #recv(int)}). */
    private boolean inMessage;

    RequestChannel(ZMQ.Context context, HMACGenerator hmac, boolean control, JupyterConnection connection) {
        super(context, hmac, control, connection);
        this.name = control ? "control" : "shell";
        this.control = control;
        this.connection = connection;
    }

    @Override
    public void bind(KernelConnectionProperties p) {
        bind(formatAddress(p.getTransport(), p.getIp(), control ? p.getControlPort() : p.getShellPort()));
        thread = Thread.ofPlatform().name("ae4j-" + name).start(this::serve);
    }

    private void serve() {
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        while (open) {
            Message<?> message;
            try {
                if (poller.poll(POLL_MS) <= 0) continue;
                inMessage = false;
                message = readMessage();
            } catch (RuntimeException | StackOverflowError e) {
                if (open) LOG.warning("ae4j kernel: dropped a " + name + " message: " + reason(e));
                continue;
            }
            if (message != null) dispatch(message);
        }
        // A ZeroMQ socket is not thread-safe: the thread that polls it closes it.
        poller.close();
        super.close();
    }

    private static String reason(Throwable e) {
        if (e instanceof StackOverflowError) return "its JSON nests too deeply to read";
        if (e instanceof SecurityException)
            return "its signature does not match the connection file's key (a client of another kernel, or a forged"
                    + " message)";
        if (e instanceof MissingFrames) return e.getMessage();
        return "it cannot be read as a Jupyter message (" + e + ")";
    }

    private <T> void dispatch(Message<T> message) {
        MessageType<T> type = message.getHeader().getType();
        ShellHandler<T> handler = connection.getHandler(type);
        if (handler == null) {
            // An unknown msg_type reads as the base kernel's type "none".
            LOG.warning("ae4j kernel: ignored a " + name + " message: the kernel does not handle its type ("
                    + type.getName() + ")");
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        try {
            handler.handle(env, message);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "ae4j kernel: the " + type.getName() + " handler failed; the kernel goes on", e);
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) connection.close();
    }

    /**
     * Every frame the base kernel's reader takes comes through here. Reading on after the last frame of a
     * message would take the next message's frames (a client's real request) as the rest of a short one, so
     * a message that ends early is refused at its end instead.
     */
    @Override
    public byte[] recv(int flags) {
        if (inMessage && !hasReceiveMore()) throw new MissingFrames();
        inMessage = true;
        return super.recv(flags);
    }

    /** Stops serving: the channel's thread closes the socket once the request it handles (if any) is done. */
    @Override
    public void close() {
        open = false;
        if (thread == null) super.close();
    }

    @Override
    public void waitUntilClose() {
        waitUntilClose(null);
    }

    /** Waits for the channel's thread to end, at most {@code limit} (null: no limit); whether it ended. */
    boolean waitUntilClose(Duration limit) {
        if (thread == null || thread == Thread.currentThread()) return true;
        try {
            if (limit == null) thread.join();
            else thread.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** A message that ended before its signature and four JSON parts. */
    private static final class MissingFrames extends RuntimeException {
        MissingFrames() {
            super(
                    "it ended before its parts: a Jupyter message is identities, <IDS|MSG>, a signature, then the"
                            + " header, parent header, metadata and content",
                    null,
                    false,
                    false);
        }
    }
}
