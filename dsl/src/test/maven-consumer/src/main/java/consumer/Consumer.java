package consumer;

import ae4j.api.Ae4j;
import ae4j.api.Data;
import ae4j.api.Model;

/** Declares, trains and uses a model through ae4j's Java API; prints what the test checks. */
public final class Consumer {
    public static void main(String[] args) {
        Ae4j.eval("""
                data blobs = gaussian_mixture(k: 3, dim: 4, spread: 0.1, n: 600, seed: 1)
                model ae {
                  input x[4]
                  encoder f { dense 8 tanh; dense 2 }
                  decoder g { dense 8 tanh; dense 4 }
                  minimize mse(x, g(f(x)))
                }
                """);
        Model ae = Ae4j.model("ae");
        Data blobs = Ae4j.data("blobs");
        double before = ae.loss(blobs);
        ae.train(blobs, "epochs: 20, optimizer: adam(lr: 0.01), seed: 2");
        double after = ae.loss(blobs);
        float[][] codes = ae.encode(blobs.rows(0, 5));
        System.out.println("consumer: loss before " + before + " after " + after);
        System.out.println("consumer: codes " + codes.length + " x " + codes[0].length);
    }
}
