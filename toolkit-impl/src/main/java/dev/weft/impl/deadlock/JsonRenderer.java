package dev.weft.impl.deadlock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.weft.BlockedThread;
import dev.weft.Deadlock;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Renderer: a report as JSON, written with Jackson's streaming generator:
 * {@code {found, source, threadsSeen, notes[], deadlocks[{kind, scope, threads[{id, name, virtual, state,
 * scope, waitingOn, ownerId, ownerName, holds[], stack[]}]}]}}. Stateless.
 */
final class JsonRenderer {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonRenderer() {}

    static String render(DeadlockReportImpl r) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeBooleanField("found", r.found());
            g.writeStringField("source", r.source());
            g.writeNumberField("threadsSeen", r.threadsSeen());
            g.writeArrayFieldStart("notes");
            for (String n : r.notes()) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("deadlocks");
            for (Deadlock d : r.deadlocks()) {
                g.writeStartObject();
                g.writeStringField("kind", d.kind().name());
                g.writeStringField("scope", d.scope());
                g.writeArrayFieldStart("threads");
                for (BlockedThread t : d.threads()) {
                    thread(g, t);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void thread(JsonGenerator g, BlockedThread t) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", t.id());
        g.writeStringField("name", t.name());
        g.writeBooleanField("virtual", t.virtual());
        g.writeStringField("state", t.state());
        g.writeStringField("scope", t.scope());
        g.writeStringField("waitingOn", t.waitingOn());
        g.writeNumberField("ownerId", t.ownerId());
        g.writeStringField("ownerName", t.ownerName());
        g.writeArrayFieldStart("holds");
        for (String h : t.holds()) {
            g.writeString(h);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("stack");
        for (String f : t.stack()) {
            g.writeString(f);
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
