/**
 * Weft: a virtual-thread concurrency toolkit for Java 21.
 *
 * <p>Users touch only {@link dev.weft.Weft} and the types of package {@code dev.weft}.
 * The implementation ({@code dev.weft:toolkit-impl}) is found through {@link java.util.ServiceLoader}
 * as a {@link dev.weft.spi.WeftProvider}.
 */
module dev.weft {
    exports dev.weft;
    exports dev.weft.spi;
    uses dev.weft.spi.WeftProvider;
    uses dev.weft.ContextCarrier;
}
