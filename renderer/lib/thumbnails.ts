/**
 * The player's thumbnail strip: a second, detached <video> seeks to evenly spaced times and
 * each frame is drawn small. Stops early when the clip changes (signal) or a seek fails.
 */
export async function thumbnails(src: string, duration: number, count: number, height: number, signal: AbortSignal, onFrame: (index: number, url: string) => void): Promise<void> {
  if (!(duration > 0) || count <= 0) return;
  const video = document.createElement('video');
  // In Electron media:// is another origin than app://: without CORS the canvas is tainted.
  video.crossOrigin = 'anonymous';
  video.muted = true;
  video.preload = 'auto';
  video.src = src;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const once = (event: string): Promise<boolean> =>
    new Promise((resolve) => {
      const ok = (): void => done(true);
      const bad = (): void => done(false);
      const timer = setTimeout(() => done(false), 5000);
      const done = (v: boolean): void => {
        clearTimeout(timer);
        video.removeEventListener(event, ok);
        video.removeEventListener('error', bad);
        resolve(v);
      };
      video.addEventListener(event, ok, { once: true });
      video.addEventListener('error', bad, { once: true });
    });
  try {
    if (video.readyState < 1 && !(await once('loadedmetadata'))) return;
    const w = Math.max(1, Math.round((height * (video.videoWidth || 16)) / (video.videoHeight || 9)));
    canvas.width = w;
    canvas.height = height;
    for (let i = 0; i < count && !signal.aborted; i++) {
      video.currentTime = Math.min(duration - 0.05, ((i + 0.5) * duration) / count);
      if (!(await once('seeked'))) return;
      ctx.drawImage(video, 0, 0, w, height);
      onFrame(i, canvas.toDataURL('image/jpeg', 0.7));
    }
  } finally {
    video.removeAttribute('src');
    video.load();
  }
}
