/**
 * The command line behind {@code ./ae4j}, on picocli: every command with its help, "did you mean" and bash
 * completion ({@link ae4j.dsl.cli.Cli}); the language commands run, check, fmt and emit ({@link
 * ae4j.dsl.cli.Main}). In: arguments and files. Out: exit codes, diagnostics on stderr, results on stdout.
 */
package ae4j.dsl.cli;
