/**
 * The results store of rate sweeps: rows (./row.ts), the crash-safe JSONL file (./jsonl.ts), and
 * shards and merging (./shards.ts).
 */
export * from './row.ts';
export * from './jsonl.ts';
export * from './shards.ts';
export * from './lock.ts';
export * from './provenance.ts';
export * from './runs.ts';
