package ae4j.dsl.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file format under the file-format fuzz: it writes a mutated file and says how to read it. */
interface FuzzedFormat {

    /** Short name for the summary, e.g. {@code idx.gz}. */
    String name();

    /** Writes one mutated file (and any file that goes with it, e.g. labels) and returns how to read it. */
    Case mutated(FileMutator m) throws IOException;

    /** Reads every unmutated seed kind and checks its values, so the fuzz starts from files that do read. */
    void checkSeeds() throws Exception;

    /** Whether {@code t} is this format's error for the user (printed as a message, no stack trace). */
    boolean isUserError(Throwable t);

    /**
     * One case: the file that was mutated (an error message must name it), its bytes (for the failure report)
     * and the read. The read returns a few words on what it read after checking the format's invariants,
     * or throws.
     */
    record Case(Path file, byte[] bytes, Read read) {}

    @FunctionalInterface
    interface Read {
        String run() throws Exception;
    }
}
