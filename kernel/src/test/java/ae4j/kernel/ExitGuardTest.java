package ae4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.ConstantInstruction;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitGuardTest {

    @Test
    void exitAndHaltFirstCheckThePropertyAndTheRewrittenClassVerifies() throws Exception {
        byte[] original;
        try (InputStream in = Object.class.getResourceAsStream("/java/lang/Runtime.class")) {
            original = in.readAllBytes();
        }
        byte[] rewritten = ExitGuard.rewrite(original);
        assertEquals(List.of(), ClassFile.of().verify(rewritten));
        ClassModel runtime = ClassFile.of().parse(rewritten);
        for (String name : List.of("exit", "halt")) {
            MethodModel m = runtime.methods().stream()
                    .filter(x -> x.methodName().equalsString(name))
                    .findFirst()
                    .orElseThrow();
            var first = m.code()
                    .orElseThrow()
                    .elementStream()
                    .filter(e -> e instanceof ConstantInstruction)
                    .findFirst()
                    .orElseThrow();
            assertEquals(ExitGuard.PROPERTY, ((ConstantInstruction) first).constantValue(), name);
        }
        // Nothing else changed.
        assertEquals(
                ClassFile.of().parse(original).methods().size(),
                runtime.methods().size());
        assertTrue(ExitGuard.refusal("System.exit").startsWith("System.exit would end the kernel"));
    }
}
