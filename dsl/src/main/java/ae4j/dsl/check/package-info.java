/**
 * The checker (stage 2): names resolved, sizes computed, arguments bound to the built-ins ({@link
 * ae4j.dsl.check.Builtins}, where every default lives), every problem reported at its line and column.
 * In: a syntax tree. Out: a {@link ae4j.dsl.check.CheckedProgram} (data sets, {@link ae4j.dsl.check.CheckedModel}s,
 * statements to run) when there are no errors.
 */
package ae4j.dsl.check;
