package dev.weft.samples;

/** The tour of Weft: each chapter is a small program a user can copy from. */
public final class Tour {
    private Tour() {}

    public static void main(String[] args) throws Exception {
        System.out.println("Weft tour");
    }
}
