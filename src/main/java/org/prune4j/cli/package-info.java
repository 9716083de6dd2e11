/**
 * The {@code prune4j} command: picocli subcommands that only parse options and call the library. The methods' own
 * flags are built from their declarations in the catalogue ({@code MethodFlags}).
 */
package org.prune4j.cli;
