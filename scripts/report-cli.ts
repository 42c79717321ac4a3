/**
 * Stand-alone entry of the `report` and `experiments` commands (src/cli/report.ts), for use before
 * (or besides) their wiring into `signcheck`: `npx tsx scripts/report-cli.ts report --reports reports`.
 */
import { Command, CommanderError } from 'commander';
import { UserInputError } from '../src/core/errors.ts';
import { registerReportCommand } from '../src/cli/report.ts';

const program = registerReportCommand(new Command('signcheck-report').exitOverride());
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : 2;
  else if (err instanceof UserInputError) {
    process.stderr.write(`signcheck: ${err.message}\n`);
    process.exitCode = 2;
  } else throw err;
}
