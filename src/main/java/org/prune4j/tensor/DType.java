package org.prune4j.tensor;

/**
 * Storage types of weight tensors. Codes are GGML's type ids so GGUF I/O needs no second table;
 * safetensors names are the ones Hugging Face writes in the header.
 */
public enum DType {
    F32(0, 1, 4, "F32"),
    F16(1, 1, 2, "F16"),
    BF16(30, 1, 2, "BF16"),
    /** Blocks of 32 int8 values sharing one f16 scale (34 bytes a block), as in GGML. */
    Q8_0(8, 32, 34, null);

    public final int ggmlType;
    /** Elements per block (1 for plain floats). */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;
    /** Safetensors dtype string, or null where safetensors has none. */
    public final String safetensorsName;

    DType(int ggmlType, int blockSize, int blockBytes, String safetensorsName) {
        this.ggmlType = ggmlType;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes needed for {@code elements} values (which must fill whole blocks). */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * blockBytes;
    }

    public static DType fromGgml(int code) {
        for (DType t : values()) {
            if (t.ggmlType == code) return t;
        }
        return null;
    }

    public static DType fromSafetensors(String name) {
        for (DType t : values()) {
            if (name.equals(t.safetensorsName)) return t;
        }
        return null;
    }
}
