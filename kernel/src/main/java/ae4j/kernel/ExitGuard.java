package ae4j.kernel;

import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.logging.Logger;

/**
 * Keeps cells from ending the kernel. {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} called
 * from a cell, from library code a cell calls (a {@code main} method) or from a thread a cell started throw a
 * SecurityException saying what happened and what to do instead. The Security Manager that could veto an exit
 * is gone (Java 24), so this is the kernel's Java agent ({@code -javaagent} in the kernelspec, see
 * {@link KernelSpec}): when the JVM starts it rewrites {@code java.lang.Runtime}'s exit and halt to throw while
 * the system property {@value #PROPERTY} is set. The kernel sets it once it serves ({@link #arm()}) and clears it
 * just before its own exit ({@link #disarm()}).
 */
public final class ExitGuard {

    static final String PROPERTY = "ae4j.kernel.refuseExit";
    private static final Logger LOG = Logger.getLogger(ExitGuard.class.getName());
    private static volatile boolean installed;

    private ExitGuard() {}

    /** The agent's entry point: rewrites java.lang.Runtime, which is already loaded. */
    public static void premain(String args, Instrumentation inst) throws UnmodifiableClassException {
        ClassFileTransformer rewriter = new ClassFileTransformer() {
            @Override
            public byte[] transform(
                    Module module, ClassLoader loader, String name, Class<?> c, ProtectionDomain d, byte[] bytes) {
                if (c != Runtime.class) return null;
                byte[] rewritten = rewrite(bytes);
                installed = true;
                return rewritten;
            }
        };
        inst.addTransformer(rewriter, true);
        try {
            inst.retransformClasses(Runtime.class);
        } finally {
            inst.removeTransformer(rewriter);
        }
    }

    /** From now on an exit is refused (and the kernel says so on stderr if it started without its agent). */
    static void arm() {
        if (!installed) {
            LOG.warning("ae4j kernel: started without its exit guard (no -javaagent in the kernelspec), so a cell"
                    + " that calls System.exit ends the kernel; run ./ae4j kernel install again");
        }
        System.setProperty(PROPERTY, "a cell may not end the kernel");
    }

    /** The kernel's own exit. */
    static void disarm() {
        System.clearProperty(PROPERTY);
    }

    static String refusal(String call) {
        return call + " would end the kernel and every model in it, so the call was refused. To start over,"
                + " restart the kernel from the notebook (Kernel > Restart Kernel)";
    }

    /** Runtime's class file with a check at the start of exit(int) and halt(int). */
    static byte[] rewrite(byte[] runtimeClass) {
        ClassFile cf = ClassFile.of();
        ClassTransform guardExits = (builder, element) -> {
            if (element instanceof MethodModel m
                    && m.methodType().equalsString("(I)V")
                    && (m.methodName().equalsString("exit") || m.methodName().equalsString("halt"))) {
                String call = m.methodName().equalsString("exit") ? "System.exit" : "Runtime.halt";
                builder.transformMethod(m, MethodTransform.transformingCode(refuseWhileArmed(call)));
            } else {
                builder.with(element);
            }
        };
        return cf.transformClass(cf.parse(runtimeClass), guardExits);
    }

    /** {@code if (System.getProperty(PROPERTY) != null) throw new SecurityException(refusal(call));} */
    private static CodeTransform refuseWhileArmed(String call) {
        ClassDesc system = ClassDesc.of("java.lang.System");
        ClassDesc security = ClassDesc.of("java.lang.SecurityException");
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                var proceed = b.newLabel();
                b.ldc(PROPERTY)
                        .invokestatic(system, "getProperty", MethodTypeDesc.of(CD_String, CD_String))
                        .ifnull(proceed)
                        .new_(security)
                        .dup()
                        .ldc(refusal(call))
                        .invokespecial(security, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String))
                        .athrow()
                        .labelBinding(proceed);
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        };
    }
}
