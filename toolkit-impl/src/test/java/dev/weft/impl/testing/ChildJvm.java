package dev.weft.impl.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts test programs in a second JVM on the class path, for every child-JVM test of this module.
 * Surefire may run this module's tests on the module path, in which case {@code java.class.path}
 * alone lacks the main classes and Jackson: the child gets both paths, joined, as its class path.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** @return {@code java -cp <both paths> mainClass args...} */
    public static List<String> command(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** @return the {@code java} launcher of the JDK running the tests */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return this JVM's class path and module path, joined */
    public static String classPath() {
        String cp = System.getProperty("java.class.path", "");
        String mp = System.getProperty("jdk.module.path", "");
        return mp.isEmpty() ? cp : cp.isEmpty() ? mp : cp + File.pathSeparator + mp;
    }
}
