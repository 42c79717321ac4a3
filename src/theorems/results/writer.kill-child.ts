/**
 * Helper process for results.test.ts (not a test itself): appends cells to the results file named
 * by argv[2] forever, resuming it first, until the test kills it with SIGKILL. Blocks are large
 * (100 rows) so that a kill often lands inside a write.
 */
import { ResultsWriter, makeRow } from './index.ts';

const file = process.argv[2];
const writer = ResultsWriter.resume(file);
for (let cell = writer.finished.size; ; cell++) {
  const rows = [];
  for (let replica = 0; replica < 50; replica++) {
    for (const metric of ['grad_l1', 'f_gap']) {
      rows.push(
        makeRow({
          theorem: 'kill-test',
          algorithm: 'signum',
          problem: 'quad',
          noise: 'gauss',
          engine: 'cpu',
          seed: 1,
          T: 16 + cell,
          d: 4,
          n: 1,
          params: { note: 'x'.repeat(200), beta: 0.5 },
          replica,
          metric,
          value: 1 / (1 + cell + replica),
          gitSha: 'test',
          wallMs: 1,
        }),
      );
    }
  }
  writer.appendCell(rows);
}
