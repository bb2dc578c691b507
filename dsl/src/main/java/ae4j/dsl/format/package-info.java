/**
 * {@code ae4j fmt}: a program rewritten in canonical layout, comments kept.
 * In: .ae text. Out: formatted .ae text (or the syntax errors that stop it).
 */
package ae4j.dsl.format;
