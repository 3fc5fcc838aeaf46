package io.snapclone.pg.value;

/** The numeric values a BigDecimal cannot hold. */
public enum SpecialNumeric {
    NAN("NaN"),
    POSITIVE_INFINITY("Infinity"),
    NEGATIVE_INFINITY("-Infinity");

    private final String text;

    SpecialNumeric(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    static SpecialNumeric parse(String text) {
        for (SpecialNumeric special : values()) {
            if (special.text.equals(text)) {
                return special;
            }
        }
        return null;
    }
}
