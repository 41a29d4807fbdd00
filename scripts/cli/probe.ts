import { usageError } from './errors';
import { probe, toolInfo, type MediaInfo, type StreamInfo } from '../../electron/engine/service';
import { parse, printJson } from './args';
export const usage = 'needledrop probe FILE [--json]';

function streamLine(s: StreamInfo): string {
  if (s.type === 'video') {
    const what = s.attachedPic ? 'cover art' : `${s.fps?.toFixed(3) ?? '?'} fps`;
    const rot = s.rotation ? `, rotated ${s.rotation}°` : '';
    return `#${s.index} video ${s.codec} ${s.width ?? '?'}×${s.height ?? '?'}, ${what}${rot}`;
  }
  if (s.type === 'audio') return `#${s.index} audio ${s.codec} ${s.sampleRate ?? '?'} Hz, ${s.channels ?? '?'} ch${s.channelLayout ? ` (${s.channelLayout})` : ''}`;
  return `#${s.index} ${s.type} ${s.codec}`;
}

export function describe(info: MediaInfo): string {
  const lines = [
    info.file,
    `  container  ${info.container}`,
    `  duration   ${info.duration.toFixed(3)} s (from ${info.durationSource})`,
    `  size       ${info.sizeBytes} bytes${info.bitRate ? `, ${Math.round(info.bitRate / 1000)} kb/s` : ''}`,
    ...info.streams.map((s) => `  stream     ${streamLine(s)}`),
    ...Object.entries(info.tags).map(([k, v]) => `  ${k.padEnd(10)} ${v}`),
  ];
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw usageError(positionals.length ? 'expected one FILE' : 'missing FILE');
  const info = await probe(positionals[0]);
  // Which ffprobe answered (configured, ffmpeg-static, PATH or the bundled build), and its version.
  const ffprobe = toolInfo('ffprobe');
  if (values.json) printJson({ ...info, tools: { ffprobe } });
  else process.stdout.write(`${describe(info)}\n  ffprobe    ${ffprobe.path} (${ffprobe.source}, ${ffprobe.version ?? 'version unknown'})\n`);
  return 0;
}
