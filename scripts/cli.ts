/**
 * The `needledrop` command line: a thin front on the Engine (parse → Engine → format). Each
 * subcommand lives in scripts/cli/<name>.ts and exports `run(argv)`, its `usage` and an `example`.
 * Exit codes: 0 ok, 1 bad input, a value refused or a missing tool (the message names file or value and
 * cause), 2 the command line's own shape (with the usage line), 70 internal, 130 cancelled.
 */
import { EngineError } from '../electron/contract/errors';
import { errorLine, UsageError } from './cli/errors';

interface Command {
  run(argv: string[]): Promise<number>;
  usage: string;
  example?: string;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  index: { summary: 'analyse music folders into the catalog (incremental, parallel, resumable)', load: () => import('./cli/index') },
  match: { summary: 'rank the library for a video clip: score, best offset, BPM, key and why', load: () => import('./cli/match') },
  similar: { summary: 'tracks that sound like a given track', load: () => import('./cli/similar') },
  playlist: { summary: 'more like these, a mood path A → B, an energy curve (energy: how busy, fast, bright and noisy the music is, not how loud its master); saved, M3U8', load: () => import('./cli/playlist') },
  export: { summary: 'the clip with a track as its soundtrack (offset, fades, loudness)', load: () => import('./cli/export') },
  fit: { summary: "re-arrange a track at its beats to a clip's exact length, ending on its ending; FCPXML/EDL hand-off", load: () => import('./cli/fit') },
  serve: { summary: 'the app in your browser: UI and engine on 127.0.0.1 behind a token', load: () => import('./cli/serve') },
  models: { summary: 'list model versions, activate one, roll back, delete one', load: () => import('./cli/models') },
  train: { summary: 'train a dual encoder on a corpus with any loss of the metric core', load: () => import('./cli/train') },
  eval: { summary: 'Recall@K, median rank, MAP@R of a model against baselines (and every loss)', load: () => import('./cli/eval') },
  'eval-similar': { summary: 'album MAP@R, R-precision, P@1 of the music spaces (descriptor stats, mood, learned) and chance', load: () => import('./dev/eval-similar') },
  corpus: { summary: 'generate a synthetic paired video–music corpus with known answers', load: () => import('./cli/corpus') },
  probe: { summary: 'container, duration, streams and tags of a media file', load: () => import('./cli/probe') },
  features: { summary: 'descriptor sequences and per-file summary of a media file', load: () => import('./cli/features') },
  demo: { summary: 'the main job end to end on generated clips and real recordings', load: () => import('./cli/demo') },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: needledrop <command> [options]   (needledrop <command> --help for its options)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([c, { summary }]) => `  ${c.padEnd(width)}  ${summary}`),
  ].join('\n');
}

/**
 * The exit code for an error: 2 only for the command line's own shape (the CLI's UsageError), cancelled
 * 130, an internal error 70, everything else the user can fix 1, a request field the engine refuses
 * included (a name over its length is a value, not the command line's shape).
 */
export function exitCode(err: unknown, code: string): number {
  return err instanceof UsageError ? 2 : code === 'cancelled' ? 130 : code === 'internal' ? 70 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`needledrop: unknown command "${name}"\n${help()}\n`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${entry.summary}\n\nusage: ${cmd.usage}\n${cmd.example ? `example: ${cmd.example}\n` : ''}`);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    // The engine only when a command failed outside it: help and an unknown command start without it.
    const data = err instanceof EngineError ? err.toData() : (await import('../electron/engine/service')).toErrorData(err);
    const code = exitCode(err, data.code);
    if (code === 70) {
      process.stderr.write(`needledrop ${name}: ${data.message}${data.detail ? `\n${data.detail}` : ''}\n`);
      return 70;
    }
    process.stderr.write(`needledrop ${name}: ${errorLine(data, cmd.usage, rest)}\n`);
    if (code === 2) process.stderr.write(`usage: ${cmd.usage}\n`);
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
