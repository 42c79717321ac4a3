#!/usr/bin/env node
// Entry point of the `signcheck` command: registers tsx's ESM loader (TypeScript sources run
// directly, no build step) and starts the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
