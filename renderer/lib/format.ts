/** Numbers as the screens print them. */

export function clockTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const ss = sec.toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}

export function bpm(value: number | null): string {
  return value === null ? '–' : value.toFixed(0);
}

export function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** A track's display name: its title tag, else the file name. */
export function trackName(t: { title: string | null; path: string }): string {
  return t.title?.trim() || basename(t.path);
}

/** Beside the clip: "clip.mp4" → "clip-scored.mp4". */
export function scoredPath(clipPath: string): string {
  const dot = clipPath.lastIndexOf('.');
  const slash = Math.max(clipPath.lastIndexOf('/'), clipPath.lastIndexOf('\\'));
  const stem = dot > slash ? clipPath.slice(0, dot) : clipPath;
  const ext = dot > slash ? clipPath.slice(dot) : '.mp4';
  return `${stem}-scored${ext}`;
}

/** A 0..1 share as a whole percentage; the ends say "<1 %" and ">99 %" rather than claim 0 or 100. */
export function percent(share: number): string {
  if (share < 0.005) return '<1 %';
  if (share > 0.995) return '>99 %';
  return `${Math.round(share * 100)} %`;
}

/** rank / n as "top x %": two significant digits below 1 % (big libraries), else whole percent. */
export function topPercent(top: number): string {
  const p = top * 100;
  return `top ${p >= 1 ? Math.round(p) : Number(p.toPrecision(2))} %`;
}
