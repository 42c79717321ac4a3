#!/usr/bin/env node
// Entry point of the `signcheck` command: registers tsx's ESM loader (TypeScript sources run
// directly, no build step) and runs the command line on the built-in catalogue.
import { register } from 'tsx/esm/api';

register();
const [{ main }, { builtinCatalogue }] = await Promise.all([import('../src/cli/main.ts'), import('../catalogue.ts')]);
process.exitCode = await main(process.argv.slice(2), builtinCatalogue);
