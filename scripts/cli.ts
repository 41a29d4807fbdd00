/**
 * The `needledrop` command line: a thin front on the engine. Each subcommand lives in
 * scripts/cli/<name>.ts and exports `run(argv: string[]): Promise<number>` plus a `usage` line.
 * Exit codes: 0 ok, 1 bad input (message names file and cause), 2 usage error.
 */
import { NeedledropError } from '../electron/engine/errors';

interface Command {
  run(argv: string[]): Promise<number>;
  usage: string;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  probe: () => import('./cli/probe'),
  features: () => import('./cli/features'),
  index: () => import('./cli/index'),
  models: () => import('./cli/models'),
  corpus: () => import('./cli/corpus'),
  train: () => import('./cli/train'),
  eval: () => import('./cli/eval'),
  export: () => import('./cli/export'),
  fit: () => import('./cli/fit'),
  match: () => import('./cli/match'),
  similar: () => import('./cli/similar'),
  playlist: () => import('./cli/playlist'),
  demo: () => import('./cli/demo'),
};

function help(): string {
  return ['usage: needledrop <command> [options]', '', 'commands:', ...Object.keys(COMMANDS).map((c) => `  ${c}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`needledrop: unknown command "${name}"\n${help()}\n`);
    return 2;
  }
  const cmd = await load();
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof NeedledropError) {
      process.stderr.write(`needledrop ${name}: ${err.message}\n`);
      if (err.kind === 'usage') process.stderr.write(`usage: ${cmd.usage}\n`);
      return err.kind === 'usage' ? 2 : err.kind === 'cancelled' ? 130 : err.kind === 'input' ? 1 : 1;
    }
    process.stderr.write(`needledrop ${name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}

process.exitCode = await main(process.argv.slice(2));
