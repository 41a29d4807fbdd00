import { runDemo } from '../../electron/engine/app/demo';
import { formatDemo } from '../../electron/engine/app/format';
import { isProviderRequest } from '../../electron/engine/encoders/providers';
import { usageError } from '../../electron/engine/errors';
import { num, parse, printJson } from './args';
import { interruptSignal, statusLine } from './status';

export const usage = 'needledrop demo [--keep DIR] [--pairs N] [--model V] [--provider auto|cpu|cuda|dml|coreml] [--no-real-music] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    keep: { type: 'string' },
    pairs: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string', default: 'auto' },
    'no-real-music': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  if (!isProviderRequest(values.provider)) throw usageError('--provider must be auto, cpu, cuda, dml or coreml');
  const pairs = num(values.pairs, 'pairs', { min: 2, int: true });
  const status = statusLine('demo', 2000);
  const report = await runDemo({
    ...(pairs !== undefined ? { pairs } : {}),
    ...(values.keep ? { keep: values.keep } : {}),
    ...(values.model ? { model: values.model } : {}),
    provider: values.provider,
    ...(values['no-real-music'] ? { realMusic: null } : {}),
    signal: interruptSignal(),
    onProgress: (phase, done, total) => status.update(`${phase} ${done}/${total}`, done === total),
  });
  status.done();
  if (values.json) printJson(report);
  else process.stdout.write(formatDemo(report).join('\n') + '\n');
  process.stderr.write(`demo: finished in ${report.seconds.total.toFixed(1)} s, provider ${report.provider}\n`);
  return 0;
}
