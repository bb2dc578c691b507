package ae4j.dsl.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Principal angles against cases computable by hand. */
class PrincipalAnglesTest {

    @Test
    void linesAtAKnownAngle() {
        double t = Math.toRadians(30);
        var a = PrincipalAngles.columns(new double[] {1, 0, 0});
        var b = PrincipalAngles.columns(new double[] {Math.cos(t), Math.sin(t), 0});
        assertEquals(30, PrincipalAngles.largest(a, b), 1e-9);
        // A line has no orientation: the opposite direction is the same subspace, and scaling changes nothing.
        var c = PrincipalAngles.columns(new double[] {-5 * Math.cos(t), -5 * Math.sin(t), 0});
        assertEquals(30, PrincipalAngles.largest(a, c), 1e-9);
    }

    @Test
    void planesMeetingAlongALineAtAKnownDihedralAngle() {
        // The xy-plane and the plane through the x axis tilted by 40 degrees: angles 0 (the shared x axis) and 40.
        double t = Math.toRadians(40);
        var a = PrincipalAngles.columns(new double[] {1, 0, 0, 0}, new double[] {0, 1, 0, 0});
        // Non-orthonormal spanning vectors: QR has to orthonormalise them.
        var b = PrincipalAngles.columns(new double[] {2, 0, 0, 0}, new double[] {1, Math.cos(t), Math.sin(t), 0});
        assertArrayEquals(new double[] {0, 40}, PrincipalAngles.degrees(a, b), 1e-9);
        assertEquals(40, PrincipalAngles.largest(a, b), 1e-9);
        assertEquals(20, PrincipalAngles.mean(a, b), 1e-9);
    }

    @Test
    void orthogonalAndIdenticalSubspaces() {
        var a = PrincipalAngles.columns(new double[] {1, 1, 0, 0}, new double[] {1, -1, 0, 0});
        var b = PrincipalAngles.columns(new double[] {0, 0, 3, 0}, new double[] {0, 0, 1, 1});
        assertArrayEquals(new double[] {90, 90}, PrincipalAngles.degrees(a, b), 1e-9);
        var e = PrincipalAngles.columns(new double[] {1, 0, 0, 0}, new double[] {0, 1, 0, 0});
        assertArrayEquals(new double[] {0, 0}, PrincipalAngles.degrees(a, e), 1e-6);
    }

    @Test
    void aLineInsideAPlaneHasAngleZeroAndALineOutOfItItsElevation() {
        var plane = PrincipalAngles.columns(new double[] {1, 0, 0}, new double[] {0, 1, 0});
        assertEquals(0, PrincipalAngles.largest(PrincipalAngles.columns(new double[] {3, 4, 0}), plane), 1e-6);
        // (1, 0, 1) rises 45 degrees out of the xy-plane.
        assertEquals(45, PrincipalAngles.largest(PrincipalAngles.columns(new double[] {1, 0, 1}), plane), 1e-9);
    }
}
