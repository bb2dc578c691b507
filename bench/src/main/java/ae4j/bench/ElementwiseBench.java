package ae4j.bench;

final class ElementwiseBench {
    static void run(Harness h) {
    }
}
