/**
 * The facade for Java users (JShell, notebooks): {@link ae4j.api.Ae4j} evaluates declarations, {@link
 * ae4j.api.Model} encodes, reconstructs, trains, saves and runs analyses, {@link ae4j.api.Data} holds examples.
 * The only package meant for use from outside ae4j.
 */
package ae4j.api;
