package dev.gryt.cli.cloud;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of cells aligned in columns, three spaces apart, as kubectl prints them. The widths can be
 * kept so that rows printed later (by a watch) line up with the table printed first.
 */
final class TextTable {
  private static final String GAP = "   ";

  private final int[] widths;

  private TextTable(int[] widths) {
    this.widths = widths;
  }

  /** A table as wide as the widest cell of each column. */
  static TextTable fitting(List<List<String>> rows) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    return new TextTable(widths);
  }

  /** Each row as one line; the last cell is never padded. */
  List<String> lines(List<List<String>> rows) {
    List<String> lines = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      lines.add(line(row));
    }
    return lines;
  }

  /** One row; a cell wider than its column pushes the rest of the row right. */
  String line(List<String> row) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < row.size(); i++) {
      String cell = row.get(i);
      line.append(cell);
      if (i < row.size() - 1) {
        int width = i < widths.length ? widths[i] : 0;
        line.append(" ".repeat(Math.max(0, width - cell.length()))).append(GAP);
      }
    }
    return line.toString();
  }
}
