import { usageError } from './errors';
import { extractFeatures, toolInfo, type FeatureSeq, type Modality } from '../../electron/engine/service';
import { num, parse, printJson } from './args';
export const usage = 'needledrop features FILE [--start S] [--duration S] [--audio] [--video] [--json] [--matrix]';

function matrix(seq: FeatureSeq): number[][] {
  return Array.from({ length: seq.T }, (_, t) => Array.from(seq.data.subarray(t * seq.D, (t + 1) * seq.D), (v) => Math.round(v * 1e5) / 1e5));
}

function seqDoc(seq: FeatureSeq, withMatrix: boolean): Record<string, unknown> {
  return { spec: seq.spec, step: seq.step, start: seq.start, T: seq.T, D: seq.D, names: seq.names, ...(withMatrix ? { matrix: matrix(seq) } : {}) };
}

function fmt(v: unknown): string {
  if (Array.isArray(v)) return v.length > 12 ? `${v.slice(0, 12).join(', ')}, … (${v.length})` : v.join(', ');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(', ');
  return String(v);
}

function text(kind: Modality, seq: FeatureSeq, summary: object): string {
  const head = `${kind}: ${seq.T} steps × ${seq.D} descriptors, step ${seq.step} s, spec ${seq.spec}`;
  return [head, ...Object.entries(summary).map(([k, v]) => `  ${k.padEnd(15)} ${fmt(v)}`)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    start: { type: 'string' },
    duration: { type: 'string' },
    audio: { type: 'boolean' },
    video: { type: 'boolean' },
    json: { type: 'boolean' },
    matrix: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw usageError(positionals.length ? 'expected one FILE' : 'missing FILE');
  if (values.matrix && !values.json) throw usageError('--matrix needs --json');
  const file = positionals[0];
  const start = num(values.start, 'start', { min: 0 });
  const duration = num(values.duration, 'duration', { min: 0 });
  if (duration === 0) throw usageError('--duration must be > 0');
  const modalities: Modality[] = [...(values.audio ? ['audio' as const] : []), ...(values.video ? ['video' as const] : [])];
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let lastReport = 0;
  const t0 = Date.now();
  try {
    const out = await extractFeatures(file, {
      ...(start !== undefined ? { start } : {}),
      ...(duration !== undefined ? { duration } : {}),
      ...(modalities.length ? { modalities } : {}),
      signal: ac.signal,
      onProgress: (m, done, total) => {
        if (!process.stderr.isTTY || Date.now() - lastReport < 500) return;
        lastReport = Date.now();
        const rate = done / Math.max(0.001, (Date.now() - t0) / 1000);
        const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
        process.stderr.write(`\r${m} ${done.toFixed(1)}/${total.toFixed(1)} s (${rate.toFixed(0)}× real time, ETA ${eta.toFixed(0)} s)   `);
      },
    });
    if (lastReport) process.stderr.write('\n');
    for (const part of [out.audio, out.video]) {
      if (part?.summary.partial) process.stderr.write(`warning: ${part.summary.partial.cause} — kept the first ${part.summary.partial.decodedSeconds} s\n`);
    }
    // Which ffmpeg decoded (configured, ffmpeg-static, PATH or the bundled build), and its version.
    const ffmpeg = toolInfo('ffmpeg');
    if (values.json) {
      printJson({
        file,
        tools: { ffmpeg },
        ...(out.audio ? { audio: { summary: out.audio.summary, ...seqDoc(out.audio.seq, !!values.matrix) } } : {}),
        ...(out.video ? { video: { summary: out.video.summary, ...seqDoc(out.video.seq, !!values.matrix) } } : {}),
      });
    } else {
      const parts = [file];
      if (out.audio) parts.push(text('audio', out.audio.seq, out.audio.summary));
      if (out.video) parts.push(text('video', out.video.seq, out.video.summary));
      parts.push(`ffmpeg ${ffmpeg.path} (${ffmpeg.source}, ${ffmpeg.version ?? 'version unknown'})`);
      process.stdout.write(parts.join('\n') + '\n');
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
