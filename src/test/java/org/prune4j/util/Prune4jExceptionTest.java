package org.prune4j.util;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages stay one printable line however much raw file content a reader puts in them. */
class Prune4jExceptionTest {
    @Test
    void rawBytesAreEscapedAndLongMessagesCut() {
        String m = new Prune4jException("f.gguf: metadata key\u0000\u0007a\nb\uFFFD").getMessage();
        assertThat(m).isEqualTo("f.gguf: metadata key\\u0000\\u0007a\\nb\\ufffd");
        String longOne = new Prune4jException("x".repeat(5000)).getMessage();
        assertThat(longOne).hasSizeLessThan(Prune4jException.MAX_LENGTH + 40).endsWith("(4600 more characters)").doesNotContain("\n");
        assertThat(new Prune4jException("ünïcödé → fine 😀").getMessage()).isEqualTo("ünïcödé → fine 😀");
    }
}
