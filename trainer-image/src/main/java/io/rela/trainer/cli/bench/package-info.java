/**
 * The benchmark commands (bench, bench-gpu, bench-targets, bench-loader) that `make bench*`
 * runs: kept apart from the production commands a stage pod runs.
 */
package io.rela.trainer.cli.bench;
