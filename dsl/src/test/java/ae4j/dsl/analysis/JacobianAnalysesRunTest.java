package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

        for (String[] m :
                new String[][] {{"cae", "30", "16 x 144", "16", "3", "2"}, {"deep", "20", "4 x 144", "4", "5", "1"}}) {
            Matcher s = Pattern.compile(m[0] + " on shifted: jacobian_spectrum at " + m[1] + " points \\(df/dx, " + m[2]
                            + "\\): singular values below 1 ([0-9.]+), mean \\|\\|J\\|\\|_F ([0-9.]+), mean largest singular value "
                            + "([0-9.]+), saturated code units ([0-9.]+)")
                    .matcher(stdout);
            assertTrue(s.find(), stdout);
            double below = Double.parseDouble(s.group(1)),
                    fro = Double.parseDouble(s.group(2)),
                    largest = Double.parseDouble(s.group(3)),
                    sat = Double.parseDouble(s.group(4));
            assertTrue(below >= 0 && below <= 1 && sat >= 0 && sat <= 1, stdout);
            assertTrue(largest > 0 && fro >= largest - 1e-3, "||J||_F >= sigma_max: " + stdout);
            List<String> csv = Files.readAllLines(out.resolve(m[0]).resolve("jacobian-spectrum.csv"));
            assertEquals("index,mean,min,max", csv.get(0));
            assertEquals(Integer.parseInt(m[3]) + 1, csv.size());
            assertEquals(largest, Double.parseDouble(csv.get(1).split(",")[1]), 1e-3);
            BufferedImage chart = ImageIO.read(
                    out.resolve(m[0]).resolve("jacobian-spectrum.png").toFile());
            assertTrue(chart.getWidth() >= 800, "chart width " + chart.getWidth());

            Matcher t = Pattern.compile(
                            m[0] + " on shifted: tangents: " + m[5] + " leading right singular vectors of df/dx at "
                                    + m[4]
                                    + " points \\(mean singular value ([0-9.]+)\\), mean principal angle to the true tangents ([0-9.]+) degrees")
                    .matcher(stdout);
            assertTrue(t.find(), stdout);
            double angle = Double.parseDouble(t.group(2));
            assertTrue(angle >= 0 && angle <= 90, stdout);
            // One row per point, k + 1 cells of 12 x 12 at scale 8, gaps of 2.
            int k = Integer.parseInt(m[5]), pts = Integer.parseInt(m[4]);
            BufferedImage grid =
                    ImageIO.read(out.resolve(m[0]).resolve("tangents.png").toFile());
            assertEquals((k + 1) * 96 + (k + 2) * 2, grid.getWidth());
            assertEquals(pts * 96 + (pts + 1) * 2, grid.getHeight());
        }
        // Both spectra side by side: one column per model, equal to each model's own spectrum file.
        assertTrue(stdout.contains("jacobian_spectrum: cae on shifted, deep on shifted side by side in "), stdout);
        List<String> both = Files.readAllLines(out.resolve("jacobian-spectra.csv"));
        assertEquals("index,cae on shifted,deep on shifted", both.get(0));
        assertEquals(16 + 1, both.size(), "as many rows as the longer spectrum");
        for (int m = 0; m < 2; m++) {
            List<String> own =
                    Files.readAllLines(out.resolve(m == 0 ? "cae" : "deep").resolve("jacobian-spectrum.csv"));
            for (int i = 1; i < both.size(); i++) {
                String[] cells = both.get(i).split(",", -1);
                String mine = cells[m + 1];
                if (i < own.size())
                    assertEquals(Double.parseDouble(own.get(i).split(",")[1]), Double.parseDouble(mine), 1e-6);
                else assertEquals("", mine, "the 4-unit code has 4 singular values");
            }
        }
        assertTrue(ImageIO.read(out.resolve("jacobian-spectra.png").toFile()).getWidth() >= 900);
    }

    /**
     * The side-by-side spectra of two linear encoders whose singular values are known by construction:
     * W = U diag(s) V^T with U, V permutations and sign flips, so the Jacobian's singular values are s.
     */
    @Test
    void spectraOfKnownLinearEncodersSideBySide(@TempDir Path dir) throws Exception {
        String src = """
                model lin {
                  input x[5]
                  encoder f { dense 3 identity }
                  decoder g { dense 5 identity }
                  minimize mse(x, g(f(x)))
                }
                """;
        double[][] sv = {{3, 1, 0.5}, {2, 0.8, 0.1}};
        java.util.Map<String, JacobianSpectrum.Result> spectra = new java.util.LinkedHashMap<>();
        ae4j.dsl.data.Dataset pts = ae4j.dsl.data.Synthetic.gaussianMixture("pts", 20, 1, 0, 2, 5, 1.0);
        for (int m = 0; m < 2; m++) {
            Built b = Built.of(src, "lin", 32, m);
            float[] w = b.model().params()[0]; // f.0.weight, 3 x 5
            java.util.Arrays.fill(w, 0f);
            int[] col = m == 0 ? new int[] {4, 0, 2} : new int[] {1, 3, 0};
            for (int r = 0; r < 3; r++) w[r * 5 + col[r]] = (float) ((r % 2 == 0 ? 1 : -1) * sv[m][2 - r]);
            spectra.put(
                    "model " + m,
                    JacobianSpectrum.measure(new EncoderJacobian(b.model(), b.ir().graph(), b.ir().code()), pts, 10));
        }
        String[] csv = JacobianSpectrum.comparisonCsv(spectra).split("\n");
        assertEquals("index,model 0,model 1", csv[0]);
        for (int i = 0; i < 3; i++) {
            String[] cells = csv[i + 1].split(",");
            assertEquals(i + 1, Integer.parseInt(cells[0]));
            for (int m = 0; m < 2; m++)
                assertEquals(sv[m][i], Double.parseDouble(cells[m + 1]), 1e-6, "model " + m + " sigma " + i);
        }
        assertEquals(1.0 / 3, spectra.get("model 0").fractionBelowOne(), 1e-12, "0.5 of {3, 1, 0.5}; 1 is not below 1");
        java.nio.file.Files.write(dir.resolve("both.png"), JacobianSpectrum.comparisonPng(spectra));
        assertTrue(ImageIO.read(dir.resolve("both.png").toFile()).getWidth() >= 900);
    }
}
