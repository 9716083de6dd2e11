package org.prune4j.io;

import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only through FFM (no 2 GB limit, no copy: weights stay in the page cache and only the
 * pages a kernel touches become resident). Closing it unmaps the file.
 */
public final class MappedFile implements AutoCloseable {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    public static MappedFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.size() == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new MappedFile(path, arena, seg);
        } catch (java.nio.file.NoSuchFileException e) {
            arena.close();
            throw Prune4jException.inFile(path, "no such file");
        } catch (IOException e) {
            arena.close();
            throw Prune4jException.inFile(path, "cannot map: " + e.getMessage());
        }
    }

    public Path path() { return path; }
    public MemorySegment segment() { return segment; }
    public long size() { return segment.byteSize(); }

    /** A slice that must lie inside the file; a header pointing past the end becomes a clear error. */
    public MemorySegment slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw Prune4jException.inFile(path, what + " needs bytes [" + offset + ", " + (offset + length)
                    + ") but the file has " + size() + " bytes (truncated or corrupt)");
        }
        return segment.asSlice(offset, length);
    }

    public int readInt(long offset, String what) {
        return slice(offset, 4, what).get(I32, 0);
    }

    public long readLong(long offset, String what) {
        return slice(offset, 8, what).get(I64, 0);
    }

    public float[] readFloats(long offset, int n, String what) {
        float[] out = new float[n];
        MemorySegment.copy(slice(offset, 4L * n, what), F32, 0, out, 0, n);
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
