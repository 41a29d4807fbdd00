/**
 * Words added to contract/wording.ts in session 18, checked without a front: a size on disk
 * (1024-based, one decimal under 10), the short playlist note (docs/cli-match.md's example), the
 * escapes of one listing line in the short forms its comment names (\r, \t, \x01, not \x0d), a
 * held-out row with neither figures nor a count, and
 * what an export leaves silent, predicted from the clip's and the track's lengths by export's rule
 * (the track's `offset` plays at clip time `start`; with an Out point it is heard from In to Out).
 * Truths: sizes and spans worked by hand from those rules; the decoded exports of
 * tests/integration/export/silence-said.test.ts prove the rule against ffmpeg.
 */
import { describe, expect, it } from 'vitest';
import { byteSize, exportSilence, heldOutNotComparedText, modelRecall10, oneLine, plainExportSpan, secondsText, shortPlaylistNote } from '../../../electron/contract/wording';

describe('byteSize', () => {
  it('bytes below 1 KB, then KB, MB, GB, TB with one decimal under 10 and none from 10 on', () => {
    expect(byteSize(0)).toBe('0 B');
    expect(byteSize(812)).toBe('812 B');
    expect(byteSize(1023)).toBe('1023 B');
    expect(byteSize(1024)).toBe('1.0 KB');
    expect(byteSize(1536)).toBe('1.5 KB');
    expect(byteSize(10 * 1024 - 52)).toBe('9.9 KB');
    expect(byteSize(10 * 1024)).toBe('10 KB');
    expect(byteSize(1024 * 1024 - 1024)).toBe('1023 KB');
    expect(byteSize(1024 ** 2)).toBe('1.0 MB');
    expect(byteSize(Math.round(3.4 * 1024 ** 2))).toBe('3.4 MB');
    expect(byteSize(120 * 1024 ** 2)).toBe('120 MB');
    expect(byteSize(2.5 * 1024 ** 3)).toBe('2.5 GB');
    expect(byteSize(1024 ** 4)).toBe('1.0 TB');
  });

  it('TB is the largest unit: a petabyte reads 1024 TB', () => {
    expect(byteSize(1024 ** 5)).toBe('1024 TB');
    expect(byteSize(3 * 1024 ** 5)).toBe('3072 TB');
  });
});

describe('shortPlaylistNote', () => {
  it('says how many of those asked the library offers', () => {
    expect(shortPlaylistNote(4, 20)).toBe('4 of the 20 asked: all the library offers for it');
  });
});

describe('plainExportSpan: where the track is heard, predicted', () => {
  it('a track placed after the clip starts: silent until it begins, heard for its whole length', () => {
    // Track 0 s at clip time 2 s; 5 s of track in a 9 s clip: heard 2–7 s.
    expect(plainExportSpan(9, 5, 0, 2)).toEqual({ duration: 9, lead: 2, audible: 5 });
  });

  it('a track already playing when the clip starts: heard from 0 for what is left of it', () => {
    // Track 3 s at clip time 1 s: clip time 0 is track 2 s; 3 s of track left.
    expect(plainExportSpan(9, 5, 3, 1)).toEqual({ duration: 9, lead: 0, audible: 3 });
    // Longer than the clip: heard to the clip's end.
    expect(plainExportSpan(9, 60, 3, 1)).toEqual({ duration: 9, lead: 0, audible: 9 });
  });

  it('a track that would start after the clip ends, or an offset past the track\'s end: nothing heard', () => {
    expect(plainExportSpan(9, 5, 0, 12)).toEqual({ duration: 9, lead: 12, audible: 0 });
    expect(plainExportSpan(9, 5, 10, 0)).toEqual({ duration: 9, lead: 0, audible: 0 });
  });

  it('with an Out point: heard from In (the offset there) to Out, or to the track\'s end if sooner', () => {
    expect(plainExportSpan(9, 8, 1, 2, 6)).toEqual({ duration: 9, lead: 2, audible: 4 });
    // The offset past In's own time does not move the track's start: it is heard from In.
    expect(plainExportSpan(9, 8, 5, 2, 6)).toEqual({ duration: 9, lead: 2, audible: 3 });
    // Out past the clip's end: to the clip's end.
    expect(plainExportSpan(9, 60, 0, 2, 12)).toEqual({ duration: 9, lead: 2, audible: 7 });
    // In at 0 with an Out point: no lead.
    expect(plainExportSpan(9, 60, 4, 0, 5)).toEqual({ duration: 9, lead: 0, audible: 5 });
  });
});

describe('exportSilence: what an export leaves silent', () => {
  it('the silence before the track and after it, in seconds by default', () => {
    expect(exportSilence({ duration: 9, lead: 2, audible: 5 })).toBe('silence until the track begins at 2.00 s, the track ends at 7.00 s; 2.00 s of silence after it');
    expect(exportSilence({ duration: 9, lead: 2, audible: 7 })).toBe('silence until the track begins at 2.00 s');
    expect(exportSilence({ duration: 9, lead: 0, audible: 4.5 })).toBe('the track ends at 4.50 s; 4.50 s of silence after it');
    expect(exportSilence({ duration: 9, lead: 0, audible: 9 })).toBe('');
  });

  it('less than a hundredth short is the encoder\'s rounding; more is silence', () => {
    expect(exportSilence({ duration: 10, lead: 0, audible: 9.995 })).toBe('');
    expect(exportSilence({ duration: 10, lead: 0, audible: 9.99 })).toBe('');
    expect(exportSilence({ duration: 10, lead: 0, audible: 9.98 })).toBe('the track ends at 9.98 s; 0.02 s of silence after it');
  });

  it('the app\'s clock instead of seconds', () => {
    const clock = (s: number): string => `0:${s.toFixed(1).padStart(4, '0')}`;
    expect(exportSilence({ duration: 18, lead: 2, audible: 10 }, clock)).toBe('silence until the track begins at 0:02.0, the track ends at 0:12.0; 0:06.0 of silence after it');
    expect(secondsText(119.784)).toBe('119.78 s');
  });
});

describe('oneLine: the short escapes', () => {
  it('a carriage return and a tab read \\r and \\t; other controls \\xNN with two digits; from U+0100 on \\uNNNN', () => {
    expect(oneLine('a\rb\tc')).toBe('a\\rb\\tc');
    expect(oneLine('\u0001\u001f\u007f')).toBe('\\x01\\x1f\\x7f');
    expect(oneLine('\u202e')).toBe('\\u202e');
    // A caller's own set of characters: U+00FF is the last \xNN, U+0100 the first \uNNNN.
    expect(oneLine('\u00ff\u0100', /[\u00ff\u0100]/g)).toBe('\\xff\\u0100');
  });
});

describe('modelRecall10: a held-out row', () => {
  it('too few to compare only when the version recorded how many; no figures and no count is nothing to show', () => {
    expect(modelRecall10({ evaluations: { heldOut: { before: null, after: null } } })).toBeUndefined();
    expect(modelRecall10({ evaluations: { heldOut: { before: null, after: null, edits: 0 } } })).toEqual({ on: 'held-out edits', value: heldOutNotComparedText(0), over: '', notCompared: true });
    expect(heldOutNotComparedText(0)).toBe('n/a (0 held-out edits, 2 needed)');
    expect(heldOutNotComparedText(1)).toBe('n/a (1 held-out edit, 2 needed)');
  });
});
