package ae4j.spark;

import ae4j.dsl.check.CheckedModel;
import ae4j.dsl.check.FrontEnd;
import ae4j.dsl.compile.BuiltModel;
import ae4j.dsl.compile.ModelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models of one executor JVM: per model (its key: program, name, weights) and batch, the generated class loaded
 * once from the class files the driver compiled, and a pool of instances with their buffers and weights, one per
 * task running at a time. A task borrows an instance for a batch and gives it back.
 */
final class LoadedModels {

    /** A model's class and its idle instances. */
    private static final class Entry {
        final CheckedModel checked;
        final ModelBuilder builder;
        final ConcurrentLinkedQueue<BuiltModel> idle = new ConcurrentLinkedQueue<>();

        Entry(CheckedModel checked, ModelBuilder builder) {
            this.checked = checked;
            this.builder = builder;
        }
    }

    /** At most this many models are kept; a JVM that sees more starts again (each costs a class load, no javac). */
    private static final int MAX_MODELS = 16;

    private static final Map<String, Entry> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong CLASS_LOADS = new AtomicLong();
    private static final AtomicLong INSTANCES = new AtomicLong();

    private LoadedModels() {}

    /** How many models this JVM has prepared (program checked, class loaded) since it started. */
    static long classLoads() {
        return CLASS_LOADS.get();
    }

    /** How many model instances this JVM has made since it started. */
    static long instances() {
        return INSTANCES.get();
    }

    /** An instance of the model with room for its batch and its weights; give it back with {@link #release}. */
    static BuiltModel borrow(SparkModel m) {
        Entry e = entry(m);
        BuiltModel b = e.idle.poll();
        if (b != null) return b;
        b = e.builder.build(e.checked, m.batch, 0);
        float[][] params = b.model().params();
        if (params.length != m.params.length)
            throw new IllegalStateException("ae4j bug: the executor's model " + m.name + " has " + params.length
                    + " parameters, the driver's " + m.params.length);
        for (int i = 0; i < params.length; i++) System.arraycopy(m.params[i], 0, params[i], 0, m.params[i].length);
        INSTANCES.incrementAndGet();
        return b;
    }

    static void release(SparkModel m, BuiltModel b) {
        Entry e = MODELS.get(m.key + "/" + m.batch);
        if (e != null) e.idle.offer(b);
    }

    private static Entry entry(SparkModel m) {
        String k = m.key + "/" + m.batch;
        Entry e = MODELS.get(k);
        if (e != null) return e;
        synchronized (MODELS) {
            e = MODELS.get(k);
            if (e != null) return e;
            if (MODELS.size() >= MAX_MODELS) MODELS.clear();
            FrontEnd.Result r = FrontEnd.check(m.name + ".ae", m.source);
            if (!r.ok() || r.checked() == null || r.checked().model(m.name) == null)
                throw new IllegalStateException("ae4j bug: the program of model " + m.name
                        + " checked on the driver but not on this executor:\n"
                        + r.diagnostics().render());
            e = new Entry(r.checked().model(m.name), ModelBuilder.fromClasses(m.classes));
            MODELS.put(k, e);
            CLASS_LOADS.incrementAndGet();
            return e;
        }
    }
}
