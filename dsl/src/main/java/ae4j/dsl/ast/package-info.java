/**
 * The syntax tree of a program: statements, model items, expressions and names, each with its source span.
 * In: nothing (built by {@code syntax}). Out: the tree the checker and the formatter read.
 */
package ae4j.dsl.ast;
