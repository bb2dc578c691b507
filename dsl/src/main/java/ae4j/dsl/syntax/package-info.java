/**
 * Text to syntax tree: the ANTLR parser of the {@code grammar} module wrapped so that every syntax error becomes
 * a {@link ae4j.dsl.syntax.Diagnostic} with file, line, column, the source line and a caret.
 * In: .ae text. Out: an {@link ae4j.dsl.ast.Program} and diagnostics.
 */
package ae4j.dsl.syntax;
