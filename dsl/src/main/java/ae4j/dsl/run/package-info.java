/**
 * Running a program: {@link ae4j.dsl.run.Runner} joins the stages for {@code ae4j run} (check, build, then each
 * statement: train, evaluate, save, load, export), and {@link ae4j.dsl.run.Session} does the same a cell at a time
 * for notebooks and JShell. In: .ae text. Out: trained models and the output folder.
 */
package ae4j.dsl.run;
