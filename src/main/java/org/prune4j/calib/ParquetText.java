package org.prune4j.calib;

import dev.hardwood.Hardwood;
import dev.hardwood.InputFile;
import dev.hardwood.reader.ParquetFileReader;
import dev.hardwood.reader.RowReader;
import org.prune4j.util.Prune4jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The string column of a parquet file (Hugging Face datasets' format), one document per non-empty row. */
final class ParquetText {
    private ParquetText() {}

    static List<String> read(Path file, String column) {
        List<String> docs = new ArrayList<>();
        try (Hardwood hw = Hardwood.create(); ParquetFileReader r = hw.open(InputFile.of(file))) {
            boolean found = r.getFileSchema().getColumns().stream().anyMatch(c -> column.equals(c.name()));
            if (!found) throw Prune4jException.inFile(file, "has no '" + column + "' column");
            try (RowReader rows = r.rowReader()) {
                while (rows.hasNext()) {
                    rows.next();
                    String s = rows.getString(column);
                    if (s != null && !s.isBlank()) docs.add(s.strip());
                }
            }
        } catch (Prune4jException e) {
            throw e;
        } catch (Exception e) {
            throw Prune4jException.inFile(file, "cannot read parquet: " + e.getMessage());
        }
        return docs;
    }
}
