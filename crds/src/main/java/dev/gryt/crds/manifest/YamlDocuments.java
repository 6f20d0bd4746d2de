package dev.gryt.crds.manifest;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Splits YAML text into composed documents (node trees that keep their line numbers), with limits
 * that keep hostile input cheap: few collection aliases (an alias bomb stops at the eleventh), no
 * document that aliases expand past the object size limit ({@link AliasExpansion}), shallow
 * nesting, bounded size. A syntax error ends the stream; the documents composed before it are still
 * returned so their problems are reported too.
 */
final class YamlDocuments {
  static final int MAX_COLLECTION_ALIASES = 10;
  static final int MAX_NESTING_DEPTH = 32;

  /** The non-empty documents, and the problem that stopped composition, if any. */
  record Composed(List<Node> documents, Problem error) {}

  private YamlDocuments() {}

  static Composed compose(String source, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setCodePointLimit(SourceText.MAX_BYTES);
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    StreamReader reader = new StreamReader(text);
    Composer composer = new Composer(new ParserImpl(reader, options), new Resolver(), options);
    List<Node> documents = new ArrayList<>();
    try {
      while (composer.checkNode()) {
        Node document = composer.getNode();
        if (document != null && !SchemaWalker.isNull(document)) {
          Problem expanded = AliasExpansion.check(source, document);
          if (expanded != null) {
            // The rest of the stream is not read: it may hold more of the same.
            return new Composed(documents, expanded);
          }
          documents.add(document);
        }
      }
      return new Composed(documents, null);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : reader.getMark();
      return new Composed(documents, syntaxProblem(source, text, mark, reason(e)));
    } catch (YAMLException e) {
      // Limit violations (aliases, nesting) carry no mark; the reader stopped just past them.
      return new Composed(documents, limitProblem(source, reader.getMark(), e.getMessage()));
    } catch (StackOverflowError e) {
      return new Composed(
          documents,
          new Problem(source, reader.getMark().getLine() + 1, "", "YAML nested too deeply"));
    }
  }

  private static Problem syntaxProblem(String source, String text, Mark mark, String reason) {
    int line = mark.getLine() + 1;
    int tabLine = firstTabIndentedLine(text, line);
    if (tabLine > 0) {
      return new Problem(
          source, tabLine, "", "tab character used for indentation; indent with spaces");
    }
    return new Problem(source, line, "", "YAML syntax error: " + reason);
  }

  /**
   * SnakeYAML's problem in one line, with where the construct it was reading began ("while scanning
   * a quoted scalar started at line 4"): an unclosed quote is found only at the end of the file,
   * far from the mistake.
   */
  private static String reason(MarkedYAMLException e) {
    String reason = oneLine(e.getProblem());
    if (reason.contains("<block end>") || reason.contains("<block mapping start>")) {
      reason = reason + "; check the indentation";
    }
    if (e.getContext() != null && e.getContextMark() != null) {
      reason =
          reason
              + " ("
              + oneLine(e.getContext())
              + " started at line "
              + (e.getContextMark().getLine() + 1)
              + ")";
    }
    return reason;
  }

  private static Problem limitProblem(String source, Mark mark, String message) {
    int line = mark.getLine() + 1;
    String text = oneLine(message);
    if (text.startsWith("Number of aliases")) {
      text =
          "too many aliases to lists or mappings (more than "
              + MAX_COLLECTION_ALIASES
              + "); alias bombs are refused";
    } else if (text.startsWith("Nesting Depth exceeded")) {
      text = "YAML nested too deeply (more than " + MAX_NESTING_DEPTH + " levels)";
    } else if (text.contains("exceeds the limit")) {
      text = SourceText.tooLarge(text.length());
    } else {
      text = "YAML error: " + text;
    }
    return new Problem(source, line, "", text);
  }

  /**
   * The first line up to {@code lastLine} whose indentation contains a tab, or 0. YAML forbids tabs
   * there, and SnakeYAML's own message for it ("cannot start any token") does not say so.
   */
  static int firstTabIndentedLine(String text, int lastLine) {
    int line = 1;
    boolean inIndentation = true;
    for (int i = 0; i < text.length() && line <= lastLine; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        inIndentation = true;
      } else if (inIndentation && c == '\t') {
        return line;
      } else if (c != ' ') {
        inIndentation = false;
      }
    }
    return 0;
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }
}
