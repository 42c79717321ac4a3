/**
 * Child processes that run the TypeScript sources (worker pools, bench scripts) load tsx's ESM
 * loader. `--import tsx` would resolve the package from the child's working directory, so a run
 * started outside the checkout (or outside a project that has tsx) would fail in every worker; the
 * loader is resolved here, from this package, instead.
 */

/** The `execArgv` that makes a child process run TypeScript: tsx's loader, resolved from this package. */
export const TSX_EXEC_ARGV: readonly string[] = ['--import', import.meta.resolve('tsx')];
