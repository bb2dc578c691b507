/**
 * The command line behind {@code ./ae4j}: run, check, fmt, emit. In: arguments and files. Out: exit codes,
 * diagnostics on stderr, results on stdout.
 */
package ae4j.dsl.cli;
