package dev.weft.impl.deadlock;

import dev.weft.DeadlockReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command line: finds deadlocks in a JSON thread dump or in a running JVM.
 *
 * <pre>
 *   java -jar toolkit-impl-&lt;version&gt;-cli.jar analyze threads.json [--json]
 *   java -jar toolkit-impl-&lt;version&gt;-cli.jar pid 12345 [--json]
 * </pre>
 *
 * <p>Exit status: 0 when no deadlock is found, 1 when one is, 2 when the input cannot be read (no such
 * file, not a thread dump, {@code jcmd} failed) or the arguments are wrong. {@code pid} takes two dumps
 * with {@code jcmd <pid> Thread.dump_to_file -format=json} half a second apart, into a private temporary
 * directory that it deletes, and reports only what both show.
 */
public final class DeadlockCli {
    static final int NONE = 0, FOUND = 1, UNREADABLE = 2;

    private DeadlockCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean json = rest.remove("--json");
        if (rest.size() != 2 || !(rest.get(0).equals("analyze") || rest.get(0).equals("pid"))) {
            err.println("usage: analyze <dump.json> [--json]   find deadlocks in a dump written by"
                    + " jcmd <pid> Thread.dump_to_file -format=json <file>");
            err.println("       pid <pid> [--json]              take two such dumps of a running JVM with jcmd and analyze them");
            return UNREADABLE;
        }
        try {
            DeadlockReport report = rest.get(0).equals("analyze")
                    ? DeadlockDetectorImpl.INSTANCE_FOR_FILES.analyze(Path.of(rest.get(1)))
                    : ofProcess(parsePid(rest.get(1)));
            out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
            out.flush();
            return report.found() ? FOUND : NONE;
        } catch (NoSuchFileException e) {
            err.println("cannot read '" + e.getFile() + "': no such file");
        } catch (NotAThreadDumpException e) {
            err.println(e.getMessage());
        } catch (IOException e) {
            err.println("cannot read " + rest.get(1) + ": " + e);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
        }
        return UNREADABLE;
    }

    private static long parsePid(String s) {
        try {
            long pid = Long.parseLong(s);
            if (pid > 0) {
                return pid;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("pid must be a positive process id, was '" + s + "'");
    }

    private static DeadlockReport ofProcess(long pid) throws IOException {
        Path dir = Files.createTempDirectory("weft-jcmd-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path first = dir.resolve("first.json"), second = dir.resolve("second.json");
        try {
            jcmd(pid, first);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted between dumps", e);
            }
            jcmd(pid, second);
            return DeadlockDetectorImpl.analyzeConfirmed(JsonDumpParser.parse(first), JsonDumpParser.parse(second));
        } finally {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
            Files.deleteIfExists(dir);
        }
    }

    private static void jcmd(long pid, Path file) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.dump_to_file", "-format=json",
                file.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("jcmd " + pid + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running jcmd", e);
        }
        if (p.exitValue() != 0 || !Files.exists(file)) {
            throw new IOException("jcmd " + pid + " Thread.dump_to_file failed (exit " + p.exitValue() + "): " + output.strip());
        }
    }
}
