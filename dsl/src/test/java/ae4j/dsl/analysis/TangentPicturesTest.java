package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ae4j.dsl.data.Dataset;
import ae4j.dsl.data.Synthetic;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pictures of figures 14.7 (tangent lines) and 14.10 (learned tangents beside local PCA's). */
class TangentPicturesTest {

    @Test
    void eachRowHoldsTheImageTheLearnedTangentAndLocalPcasSignAlignedTangent() {
        Dataset data = Synthetic.translatedTemplate("t", 300, 1, 0, 12, 3);
        int d = data.dim();
        int[] rows = {5, 100};
        double[][][] tangents = new double[2][1][];
        for (int p = 0; p < 2; p++) {
            // stand-in for the autoencoder's tangent: the true tangent, negated (a singular vector's sign is arbitrary)
            float[] t = data.tangent(rows[p], 0);
            double n = 0;
            for (float v : t) n += v * v;
            tangents[p][0] = new double[d];
            for (int j = 0; j < d; j++) tangents[p][0][j] = -t[j] / Math.sqrt(n);
        }
        Tangents.Result res = new Tangents.Result(rows, tangents, new double[2][1], Double.NaN);
        List<float[]> out = Tangents.besideLocalPca(data, res, 10);
        assertEquals(2, out.size());
        for (int p = 0; p < 2; p++) {
            float[] row = out.get(p);
            assertEquals(3 * d, row.length);
            for (int j = 0; j < d; j++) assertEquals(data.get(rows[p], j), row[j]);
            // the local-PCA column, mapped back from v / (2 max|v|) + 1/2, points the way of the learned one
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < d; j++) {
                double a = row[d + j] - 0.5, b = row[2 * d + j] - 0.5;
                dot += a * b;
                na += a * a;
                nb += b * b;
            }
            double cos = dot / Math.sqrt(na * nb);
            assertTrue(cos > 0.9, "cosine of local PCA's tangent to the true one " + cos);
        }
    }

    @Test
    void tangentLinesDrawASegmentThroughEachPoint() {
        Dataset data = Synthetic.circle("c", 200, 1, 0, 1);
        int[] rows = {0, 50};
        double[][][] t = new double[2][1][];
        for (int p = 0; p < 2; p++) {
            float[] v = data.tangent(rows[p], 0);
            double n = Math.hypot(v[0], v[1]);
            t[p][0] = new double[] {v[0] / n, v[1] / n};
        }
        BufferedImage img =
                Tangents.tangentLines(data, new Tangents.Result(rows, t, new double[2][1], Double.NaN), "m");
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                if (((c >> 16) & 255) < 90 && (c & 255) > 180) blue++;
            }
        }
        // the legend dot alone has about 50 blue pixels; two 2-pixel-wide segments about 55 pixels long add ~200
        assertTrue(blue > 150, "blue pixels " + blue);
    }
}
