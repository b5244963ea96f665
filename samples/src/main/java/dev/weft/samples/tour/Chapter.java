package dev.weft.samples.tour;

/** One chapter of the tour: runs a sample and prints what happened so a reader can follow. */
public interface Chapter {
    /** @return a short id for filtering, e.g. {@code scopes} */
    String id();

    /** @return the heading printed before the chapter */
    String title();

    /**
     * Runs the chapter, printing to {@code System.out}.
     *
     * @param smoke a fast run for CI: the same code paths with smaller numbers
     */
    void run(boolean smoke) throws Exception;
}
