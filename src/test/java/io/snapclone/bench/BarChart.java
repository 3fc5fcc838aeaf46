package io.snapclone.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;

/** A horizontal bar chart of rows per second, drawn with the JDK alone (headless). */
final class BarChart {
    private BarChart() {
    }

    static void write(Map<String, Double> rowsPerSecond, Path file) throws IOException {
        int rowHeight = 34;
        int labelWidth = 330;
        int width = 1000;
        int height = 60 + rowHeight * rowsPerSecond.size();
        double max = rowsPerSecond.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Snapshot throughput, rows/s (median) — higher is better", 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int y = 45;
        for (Map.Entry<String, Double> entry : rowsPerSecond.entrySet()) {
            int bar = (int) ((width - labelWidth - 110) * entry.getValue() / max);
            g.setColor(Color.BLACK);
            g.drawString(entry.getKey(), 10, y + 18);
            String name = entry.getKey();
            g.setColor(name.startsWith("snapclone") ? new Color(0x2E7D32)
                    : name.startsWith("Debezium") ? new Color(0xC62828) : new Color(0x78909C));
            g.fillRect(labelWidth, y + 4, Math.max(bar, 1), rowHeight - 10);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%,.0f", entry.getValue()), labelWidth + bar + 6, y + 18);
            y += rowHeight;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
