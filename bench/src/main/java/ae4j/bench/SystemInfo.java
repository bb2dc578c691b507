package ae4j.bench;

import jdk.incubator.vector.FloatVector;

final class SystemInfo {
    static String summary() {
        return "JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " processors, "
                + FloatVector.SPECIES_PREFERRED + ", date " + java.time.LocalDate.now();
    }
}
