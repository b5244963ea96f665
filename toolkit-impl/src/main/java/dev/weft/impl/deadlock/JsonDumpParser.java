package dev.weft.impl.deadlock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Source: a JDK JSON thread dump ({@code jcmd <pid> Thread.dump_to_file -format=json}, or
 * {@code HotSpotDiagnosticMXBean.dumpThreads(path, JSON)}) read with Jackson's streaming parser, one
 * thread at a time, so a 100,000-thread dump never sits in memory as a tree.
 *
 * <p>Formats: JDK 21 writes {@code tid}, {@code name} and {@code stack} only (a "thin" dump, from which
 * nothing can be proven); JDK 25 adds {@code state}, {@code virtual}, {@code parkBlocker}, {@code blockedOn},
 * {@code waitingOn}, {@code monitorsOwned}; JDK 26 adds {@code parkBlocker.owner}. Unknown fields are
 * skipped, so later JDKs still parse. Ids may be JSON strings or numbers.
 *
 * <p>Stateless and thread-safe ({@link JsonFactory} is).
 */
final class JsonDumpParser {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonDumpParser() {}

    static ThreadDump parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    static ThreadDump parse(InputStream in, String source) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notADump(source, "it does not start with a JSON object", null);
            }
            ThreadDump dump = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("threadDump".equals(field) && p.currentToken() == JsonToken.START_OBJECT) {
                    dump = threadDump(p, source);
                } else {
                    p.skipChildren();
                }
            }
            if (dump == null) {
                throw notADump(source, "it has no \"threadDump\" object", null);
            }
            return dump;
        } catch (JsonParseException e) {
            throw notADump(source, "it is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")", e);
        }
    }

    private static NotAThreadDumpException notADump(String source, String why, Throwable cause) {
        return new NotAThreadDumpException("'" + source + "' is not a JDK thread dump in JSON: " + why
                + ". Write one with: jcmd <pid> Thread.dump_to_file -format=json <file>", cause);
    }

    private static ThreadDump threadDump(JsonParser p, String source) throws IOException {
        String version = null;
        boolean sawContainers = false;
        List<DumpedThread> threads = new ArrayList<>();
        boolean[] rich = {false};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "runtimeVersion" -> version = p.getValueAsString();
                case "threadContainers" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw notADump(source, "\"threadContainers\" is not an array", null);
                    }
                    sawContainers = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        container(p, threads, rich);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!sawContainers) {
            throw notADump(source, "its \"threadDump\" has no \"threadContainers\"", null);
        }
        return new ThreadDump(source, version, rich[0], true, dedupe(threads));
    }

    /** A thread appears once per container it is in; keep the first (the JDK lists each once today). */
    private static List<DumpedThread> dedupe(List<DumpedThread> threads) {
        java.util.LinkedHashMap<Long, DumpedThread> byId = new java.util.LinkedHashMap<>();
        for (DumpedThread t : threads) {
            byId.putIfAbsent(t.id(), t);
        }
        return new ArrayList<>(byId.values());
    }

    private static void container(JsonParser p, List<DumpedThread> into, boolean[] rich) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("threads".equals(field) && value == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    DumpedThread t = thread(p);
                    if (t != null) {
                        rich[0] |= t.state() != null;
                        into.add(t);
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static DumpedThread thread(JsonParser p) throws IOException {
        long id = -1;
        String name = null, state = null, blockedOn = null, waitingOn = null, parkBlocker = null;
        long parkOwner = -1;
        boolean virtual = false;
        List<String> stack = new ArrayList<>();
        List<String> holds = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "tid" -> id = asLong(p);
                case "name" -> name = p.getValueAsString();
                case "virtual" -> virtual = value == JsonToken.VALUE_TRUE || "true".equals(p.getValueAsString());
                case "state" -> state = p.getValueAsString();
                case "blockedOn" -> blockedOn = p.getValueAsString();
                case "waitingOn" -> waitingOn = p.getValueAsString();
                case "parkBlocker" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            switch (f) {
                                case "object" -> parkBlocker = p.getValueAsString();
                                case "owner" -> parkOwner = asLong(p);
                                default -> p.skipChildren();
                            }
                        }
                    } else {
                        parkBlocker = p.getValueAsString();
                    }
                }
                case "stack" -> strings(p, stack);
                case "monitorsOwned" -> {
                    if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                p.nextToken();
                                if ("locks".equals(f)) {
                                    strings(p, holds);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (id < 0) {
            return null;
        }
        if (waitingOn != null) {
            holds.remove(waitingOn); // Object.wait releases the monitor; the dump still lists it
        }
        DumpedThread t = classify(id, name == null ? "#" + id : name, virtual, state, blockedOn, waitingOn, parkBlocker,
                parkOwner, holds, stack);
        // A thread that can never be in a finding (running, timed, I/O, an idle consumer on a condition) keeps no
        // stack: a 100,000-thread dump of idle threads then costs little memory. Thin (JDK 21) dumps keep all.
        return state != null && !Analyzer.mayBeReported(t) ? t.withStack(List.of()) : t;
    }

    /** Decides how a dumped thread waits, from its state, blocker fields and, for I/O, its frames. */
    static DumpedThread classify(long id, String name, boolean virtual, String state, String blockedOn, String waitingOn,
                                 String parkBlocker, long parkOwner, List<String> holds, List<String> stack) {
        DumpedThread.Wait wait;
        String on = null;
        String lock = null;
        List<Long> owners = parkOwner >= 0 ? List.of(parkOwner) : List.of();
        if (state == null || "RUNNABLE".equals(state) || "NEW".equals(state) || "TERMINATED".equals(state)) {
            wait = isIo(stack) ? DumpedThread.Wait.IO : DumpedThread.Wait.NONE;
        } else if ("TIMED_WAITING".equals(state)) {
            wait = DumpedThread.Wait.TIMED;
            on = lock = blockedOn != null ? blockedOn : waitingOn != null ? waitingOn : parkBlocker;
        } else if (blockedOn != null) {
            wait = DumpedThread.Wait.MONITOR_ENTER;
            on = lock = blockedOn;
        } else if (waitingOn != null) {
            wait = DumpedThread.Wait.OBJECT_WAIT;
            on = lock = waitingOn;
        } else if (isIo(stack)) {
            wait = DumpedThread.Wait.IO;
        } else if (parkBlocker != null) {
            wait = parkBlocker.startsWith("dev.weft.") ? DumpedThread.Wait.WEFT : DumpedThread.Wait.LOCK;
            on = lock = parkBlocker;
        } else {
            wait = DumpedThread.Wait.PARK;
        }
        return new DumpedThread(id, name, virtual, state, null, wait, on, lock, owners, holds, stack);
    }

    /** A thread parked by the NIO poller or a socket implementation waits for I/O, not for another thread. */
    static boolean isIo(List<String> stack) {
        int n = Math.min(stack.size(), 12);
        for (int i = 0; i < n; i++) {
            String f = stack.get(i);
            if (f.contains("sun.nio.ch.") || f.contains("java.net.SocketInputStream") || f.contains("sun.nio.fs.")
                    || f.contains("java.io.FileInputStream.read") || f.contains("java.lang.ProcessImpl")) {
                return true;
            }
        }
        return false;
    }

    private static long asLong(JsonParser p) throws IOException {
        String s = p.getValueAsString();
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void strings(JsonParser p, List<String> into) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                into.add(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }
}
