import { describe, expect, it } from 'vitest';
import { beatMarkers, beatPeriod, follow, MAX_DRIFT_S, nudgeOffset, trackTimeAt, type MediaLike } from '../../../renderer/lib/preview';

function media(t: number, paused: boolean): MediaLike & { plays: number } {
  return {
    currentTime: t,
    paused,
    playbackRate: 1,
    plays: 0,
    play() {
      this.paused = false;
      this.plays += 1;
    },
    pause() {
      this.paused = true;
    },
  };
}

describe('the preview clock', () => {
  it('maps clip time to track time from the offset placed at the range start', () => {
    // Matched range starts at 2 s of the clip, track offset 30 s: clip 5 s → track 33 s.
    expect(trackTimeAt(5, 2, 30)).toBe(33);
    expect(trackTimeAt(2, 2, 30)).toBe(30);
  });

  it('puts the beats that fall inside the clip on its timeline', () => {
    // Beats every 0.5 s from 29 s; offset 30 at range start 2 → beat 30 at clip 2 s; clip lasts 3 s.
    const beats = Array.from({ length: 12 }, (_, i) => 29 + i * 0.5);
    expect(beatMarkers(beats, 30, 2, 3)).toEqual([1, 1.5, 2, 2.5, 3]);
  });

  it('measures a beat from the beats (median gap), else the tempo', () => {
    expect(beatPeriod([0, 0.5, 1.0, 1.6, 2.1], 90)).toBeCloseTo(0.5, 9);
    expect(beatPeriod([], 120)).toBe(0.5);
    expect(beatPeriod([], null)).toBeNull();
  });

  it('nudges by whole beats and never before the track starts', () => {
    expect(nudgeOffset(10, 1, 0.5)).toBe(10.5);
    expect(nudgeOffset(10, -2, 0.5)).toBe(9);
    expect(nudgeOffset(0.3, -1, 0.5)).toBe(0);
    expect(nudgeOffset(10, 1, null)).toBe(10);
  });

  it('makes the track follow the video: play state, rate, and a re-seek only past the drift limit', () => {
    const video = media(5, false);
    video.playbackRate = 2;
    const audio = media(0, true);
    follow(video, audio, 2, 30, 120);
    expect(audio.currentTime).toBe(33);
    expect(audio.paused).toBe(false);
    expect(audio.playbackRate).toBe(2);
    audio.currentTime = 33 + MAX_DRIFT_S / 2; // small drift: left alone (seeking would stutter)
    follow(video, audio, 2, 30, 120);
    expect(audio.currentTime).toBe(33 + MAX_DRIFT_S / 2);
    video.pause();
    follow(video, audio, 2, 30, 120);
    expect(audio.paused).toBe(true);
  });

  it('keeps the track silent where the clip time maps outside it', () => {
    const video = media(0, false);
    const audio = media(0, false);
    follow(video, audio, 5, 1, 120); // track time −4 s
    expect(audio.paused).toBe(true);
  });

  it('with an Out point, plays the track between In and Out only, as the export writes it (review R2.13)', () => {
    const audio = media(0, true);
    // In 2 s at offset 30: clip time 1 s maps to track 29 s, inside the track but before In.
    follow(media(1, false), audio, 2, 30, 120, 4.5);
    expect(audio.paused).toBe(true);
    follow(media(3, false), audio, 2, 30, 120, 4.5);
    expect(audio.paused).toBe(false);
    expect(audio.currentTime).toBe(31);
    follow(media(4.5, false), audio, 2, 30, 120, 4.5);
    expect(audio.paused).toBe(true);
    // Without one, before In the track plays from its own earlier part (as a plain export did).
    follow(media(1, false), audio, 2, 30, 120);
    expect(audio.paused).toBe(false);
  });
});
