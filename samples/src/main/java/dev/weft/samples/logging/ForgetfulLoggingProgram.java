package dev.weft.samples.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A program that logs many lines and then returns from {@code main} without closing, stopping or
 * flushing anything — what real programs do. Run in a child JVM by the tour's logging chapter and by
 * the tests, which count the lines that reached each file afterwards.
 *
 * <pre>
 * java -cp weft-samples.jar dev.weft.samples.logging.ForgetfulLoggingProgram logback 100000 /tmp/out
 *     Logback, root logger with two appenders: Logback's AsyncAppender (defaults) over a FileAppender
 *     writing logback-async.log, and WeftLogbackAppender writing weft-logback.log
 * java -cp weft-samples.jar dev.weft.samples.logging.ForgetfulLoggingProgram jul 100000 /tmp/out
 *     java.util.logging, root logger with WeftJulHandler writing weft-jul.log
 * </pre>
 *
 * <p>Every line is {@code "line <i> of <n>"} (after the pattern's prefix), so a reader can check
 * both the count and the order. Before logging it prints one line {@code SETTINGS ...} with the
 * AsyncAppender's effective settings, read from the appender itself.
 */
public final class ForgetfulLoggingProgram {
    /** The files each mode writes, in the directory given. */
    public static final String ASYNC_FILE = "logback-async.log";
    public static final String WEFT_LOGBACK_FILE = "weft-logback.log";
    public static final String WEFT_JUL_FILE = "weft-jul.log";

    private ForgetfulLoggingProgram() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: logback|jul <lines> <directory>; got " + String.join(" ", args));
        }
        int lines = Integer.parseInt(args[1]);
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be positive, was " + lines);
        }
        Path dir = Path.of(args[2]);
        switch (args[0]) {
            case "logback" -> logback(lines, dir);
            case "jul" -> jul(lines, dir);
            default -> throw new IllegalArgumentException("mode must be logback or jul, was '" + args[0] + "'");
        }
        System.out.println("LOGGED " + lines);
        // and return: nothing closed, nothing stopped, nothing flushed
    }

    private static void logback(int lines, Path dir) {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.reset();   // no console appender from Logback's default configuration

        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("async-target");
        file.setFile(dir.resolve(ASYNC_FILE).toString());
        file.setEncoder(encoder(context));
        file.start();

        AsyncAppender async = new AsyncAppender();   // every setting left at Logback's default
        async.setContext(context);
        async.setName("ASYNC");
        async.addAppender(file);
        async.start();

        WeftLogbackAppender weft = new WeftLogbackAppender();
        weft.setContext(context);
        weft.setName("WEFT");
        weft.setFile(dir.resolve(WEFT_LOGBACK_FILE).toString());
        weft.setEncoder(encoder(context));
        weft.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(async);
        root.addAppender(weft);

        System.out.println("SETTINGS queueSize=" + async.getQueueSize()
                + " discardingThreshold=" + async.getDiscardingThreshold()
                + " neverBlock=" + async.isNeverBlock()
                + " maxFlushTime=" + async.getMaxFlushTime()
                + " includeCallerData=" + async.isIncludeCallerData());

        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("orders");
        for (int i = 1; i <= lines; i++) {
            log.info("line {} of {}", i, lines);
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n");
        encoder.start();
        return encoder;
    }

    private static void jul(int lines, Path dir) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);   // the console handler of the default configuration
        }
        WeftJulHandler handler = new WeftJulHandler(dir.resolve(WEFT_JUL_FILE));
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return r.getLevel() + " [" + Thread.currentThread().getName() + "] " + r.getLoggerName() + " - "
                        + formatMessage(r) + System.lineSeparator();
            }
        });
        root.addHandler(handler);

        Logger log = Logger.getLogger("orders");
        for (int i = 1; i <= lines; i++) {
            log.log(java.util.logging.Level.INFO, "line {0,number,#} of {1,number,#}", new Object[] {i, lines});
        }
    }
}
