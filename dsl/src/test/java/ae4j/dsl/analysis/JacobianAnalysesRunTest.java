package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.run.Runner;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jacobian_spectrum and tangents through {@code ae4j run} on a small synthetic image manifold. */
class JacobianAnalysesRunTest {

    @Test
    void jacobianSpectrumAndTangentsRunFromAProgram(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("jac.ae");
        Files.writeString(f, """
                data shifted = translated_template(size: 12, shift: 3, n: 400, seed: 1)
                model cae {
                  input x[12, 12]
                  encoder f { dense 16 sigmoid }
                  decoder g tied
                  minimize mse(x, g(f(x))) + 0.1 * jacobian_frobenius(f, x)
                }
                model deep {
                  input x[12, 12]
                  encoder f { dense 24 tanh; dense 4 tanh }
                  decoder g { dense 24 tanh; dense 144 sigmoid }
                  minimize mse(x, g(f(x)))
                }
                train cae on shifted { epochs: 4, batch: 40, optimizer: adam(lr: 0.01), seed: 2 }
                train deep on shifted { epochs: 4, batch: 40, optimizer: adam(lr: 0.01), seed: 2 }
                evaluate cae on shifted { jacobian_spectrum(samples: 30), tangents(k: 2, samples: 3) }
                analyze deep on shifted { jacobian_spectrum(samples: 20), tangents(k: 1, samples: 5) }
                """);
        Path out = dir.resolve("out");
        ae4j.dsl.run.RunOutcome r = ae4j.dsl.run.RunOutcome.of(f, out);
        int code = r.code();
        String stdout = r.out(), stderr = r.err();
        System.out.println(stdout);
        assertEquals(0, code, stderr);
        assertTrue(!stderr.contains("not implemented"), stderr);

        for (String[] m : new String[][] {{"cae", "30", "16 x 144", "16", "3", "2"}, {"deep", "20", "4 x 144", "4", "5", "1"}}) {
            Matcher s = Pattern.compile(m[0] + " on shifted: jacobian_spectrum at " + m[1] + " points \\(df/dx, " + m[2]
                    + "\\): singular values below 1 ([0-9.]+), mean \\|\\|J\\|\\|_F ([0-9.]+), mean largest singular value "
                    + "([0-9.]+), saturated code units ([0-9.]+)").matcher(stdout);
            assertTrue(s.find(), stdout);
            double below = Double.parseDouble(s.group(1)), fro = Double.parseDouble(s.group(2)),
                    largest = Double.parseDouble(s.group(3)), sat = Double.parseDouble(s.group(4));
            assertTrue(below >= 0 && below <= 1 && sat >= 0 && sat <= 1, stdout);
            assertTrue(largest > 0 && fro >= largest - 1e-3, "||J||_F >= sigma_max: " + stdout);
            List<String> csv = Files.readAllLines(out.resolve(m[0]).resolve("jacobian-spectrum.csv"));
            assertEquals("index,mean,min,max", csv.get(0));
            assertEquals(Integer.parseInt(m[3]) + 1, csv.size());
            assertEquals(largest, Double.parseDouble(csv.get(1).split(",")[1]), 1e-3);
            BufferedImage chart = ImageIO.read(out.resolve(m[0]).resolve("jacobian-spectrum.png").toFile());
            assertTrue(chart.getWidth() >= 800, "chart width " + chart.getWidth());

            Matcher t = Pattern.compile(m[0] + " on shifted: tangents: " + m[5] + " leading right singular vectors of df/dx at "
                    + m[4] + " points \\(mean singular value ([0-9.]+)\\), mean principal angle to the true tangents ([0-9.]+) degrees")
                    .matcher(stdout);
            assertTrue(t.find(), stdout);
            double angle = Double.parseDouble(t.group(2));
            assertTrue(angle >= 0 && angle <= 90, stdout);
            // One row per point, k + 1 cells of 12 x 12 at scale 8, gaps of 2.
            int k = Integer.parseInt(m[5]), pts = Integer.parseInt(m[4]);
            BufferedImage grid = ImageIO.read(out.resolve(m[0]).resolve("tangents.png").toFile());
            assertEquals((k + 1) * 96 + (k + 2) * 2, grid.getWidth());
            assertEquals(pts * 96 + (pts + 1) * 2, grid.getHeight());
        }
    }
}
