package dev.weft.samples.logging;

/**
 * Child JVM for {@link LoggingExitTest}: logs {@code n} lines {@code "line i of n"} through a logger
 * configured the way a user configures it — Logback from the XML file given in
 * {@code -Dlogback.configurationFile}, or JUL from {@code -Djava.util.logging.config.file} — and
 * returns from {@code main} without stopping or closing anything.
 *
 * <pre>
 * java -Dlogback.configurationFile=weft-logback.xml -Dlog.file=out.log -cp ... ConfiguredLoggingChild logback 100000
 * </pre>
 */
public final class ConfiguredLoggingChild {
    private ConfiguredLoggingChild() {}

    public static void main(String[] args) {
        int n = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "logback" -> {
                org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("orders");
                for (int i = 1; i <= n; i++) {
                    log.info("line {} of {}", i, n);
                }
            }
            case "jul" -> {
                java.util.logging.Logger log = java.util.logging.Logger.getLogger("orders");
                for (int i = 1; i <= n; i++) {
                    log.log(java.util.logging.Level.INFO, "line {0,number,#} of {1,number,#}", new Object[] {i, n});
                }
            }
            default -> throw new IllegalArgumentException("mode must be logback or jul, was '" + args[0] + "'");
        }
        System.out.println("LOGGED " + n);
    }
}
