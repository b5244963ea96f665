/**
 * The implementation of Weft. Users compile against module {@code dev.weft}; this module provides
 * {@link dev.weft.spi.WeftProvider}.
 */
module dev.weft.impl {
    requires transitive dev.weft;
    requires java.management;
    requires jdk.management;
    requires java.logging;
    requires com.fasterxml.jackson.core;

    uses dev.weft.ContextCarrier;

    provides dev.weft.spi.WeftProvider with dev.weft.impl.WeftProviderImpl;

}
