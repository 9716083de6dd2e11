package org.prune4j.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Path;

/** What every report page shares: the page head and style, a key–value row, HTML escaping, a chart saved as PNG. */
public final class Pages {
    private Pages() {}

    /** Servers and CI have no display; charts are drawn off-screen (fonts are still needed). Call before drawing. */
    public static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    public static Path save(Chart<?, ?> chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** The document up to the opened body: title, the shared table style, a page at most {@code maxWidth} px wide. */
    public static StringBuilder start(String title, int maxWidth) {
        return new StringBuilder().append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:").append(maxWidth).append("px;margin:2em auto}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}img{max-width:100%}</style></head><body>\n");
    }

    /** A settings row: the key as a left-aligned header, the value left-aligned. */
    public static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th style=\"text-align:left\">").append(esc(key)).append("</th><td style=\"text-align:left\">").append(esc(value)).append("</td></tr>\n");
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
