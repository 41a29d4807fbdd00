/**
 * Runs `needledrop index` as its own process, for tests that kill it. Until the lead registers
 * `index` in scripts/cli.ts (which runs its dispatcher on import), this mirrors its exit codes.
 */
import { NeedledropError } from '../../../electron/engine/errors';
import { run } from '../../../scripts/cli/index';

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`needledrop index: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof NeedledropError ? { usage: 2, cancelled: 130, input: 1, internal: 70 }[err.kind] : 70;
}
