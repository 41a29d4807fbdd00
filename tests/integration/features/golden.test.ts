/**
 * Golden descriptor values: the sha256 of every value the library stores for the 8 recordings in
 * ../shared/media/music (the descriptor sequence's shape and data, the extractor's summary, and
 * the analysis the catalog keeps: tags, duration, track summary), compared with values computed
 * once from committed code.
 *
 * A CHANGE HERE MEANS THE FEATURE SPEC OR ANALYSIS_VERSION MUST CHANGE: cached descriptors,
 * catalog rows and trained models all hold these values under the spec id (features/spec.ts,
 * a hash of the constants only) and ANALYSIS_VERSION (library/audio-analyzer.ts), so a code
 * change that moves a value while both stay put mixes old and new descriptors silently. A
 * refactor that claims "same features" must leave this test passing; a deliberate change bumps
 * the spec or ANALYSIS_VERSION and replaces GOLDEN (NEEDLEDROP_PRINT_GOLDEN=1 prints the values).
 *
 * The values are those of the ffmpeg they were computed with (its Vorbis decoder gives the PCM);
 * under another ffmpeg version the test is skipped, saying so.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { ANALYSIS_VERSION, analyzeTrack } from '../../../electron/engine/library/audio-analyzer';
import { toolInfo } from '../../../electron/engine/media/ffmpeg-path';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { sharedMediaDir } from '../../helpers/media';

/** Computed from the committed code at 685e9b8 in a scratch copy (`git archive`), ffmpeg 5.1.9-0+deb12u1; the summaries and analyses again after the loudness fix (ANALYSIS_VERSION 4), whose sequences are 685e9b8's to the bit. ANALYSIS_VERSION 5 (the metrical level keeps levels with pulses of their own) moved the summary tempo and beats of Vibe Ace (65.22 → 130.42 BPM) and Choice (68.19 → 136.37), and of chaplin.mp4 below (75 → 150): those summaries and analyses recomputed, every sequence unchanged. */
const GOLDEN = {
  ffmpeg: '5.1.9-0+deb12u1',
  analysisVersion: 5,
  files: {
    '147793__setuniman__sweet-waltz-0i-22mi.ogg': { spec: 'a-520d79986112', seq: '5e0f526c29ea1c7e', summary: '3e8300d8880d4f1b', analysis: '9cfc9cca39cc6f19' },
    '442789__lena-orsa__happy-music-pistachio-ice-cream-ragtime.ogg': { spec: 'a-520d79986112', seq: 'e7d06f83ef740dae', summary: 'ca625e8d0eb49000', analysis: '53476c43e3114a46' },
    'Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg': { spec: 'a-520d79986112', seq: '4752ea8371849cb3', summary: 'fcb2f59935e5f0bd', analysis: '56799b930d4459e7' },
    'Karissa_Hobbs_-_Lets_Go_Fishin.ogg': { spec: 'a-520d79986112', seq: '263be5060d9a948d', summary: '9ebfa960f0dea055', analysis: '87df1ffce256c945' },
    'Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy.ogg': { spec: 'a-520d79986112', seq: '59ace737cfe7ad3d', summary: '7f4d7f31115fb284', analysis: '6648db9151c64c1b' },
    'Kevin_MacLeod_-_Vibe_Ace.ogg': { spec: 'a-520d79986112', seq: '832ac69bf36142fd', summary: '2aa651a388b86b09', analysis: '9fe792caca0400a0' },
    'admiralbob77_-_Choice_-_Drum-bass.ogg': { spec: 'a-520d79986112', seq: '4dceed52218cbbb6', summary: '998c840b15cd2714', analysis: 'b6e24f75cc629329' },
    'sorohanro_-_solo-trumpet-06.ogg': { spec: 'a-520d79986112', seq: '3af8270713884cf3', summary: 'f2f3f47ae19fbd51', analysis: '3f00aa883d8b0545' },
  } as Record<string, { spec: string; seq: string; summary: string; analysis: string }>,
};

/**
 * The same values for recordings that are not 22.05 kHz mono: their decode downmixes and resamples
 * (44.1 and 48 kHz, stereo and mono; Vorbis, MP3 and AAC), which the recordings above never do, so
 * a change to the resampler or the downmix shows here. Computed from the committed code at
 * b6c7424, ffmpeg 5.1.9-0+deb12u1 (chaplin.mp4's summary and analysis again at ANALYSIS_VERSION 5).
 */
const GOLDEN_RESAMPLED: Record<string, { spec: string; seq: string; summary: string; analysis: string }> = {
  'video/big_buck_bunny_0_30.webm': { spec: 'a-520d79986112', seq: '2ca5d31f595191c3', summary: 'c0fec56184a9a5b8', analysis: '4f578d8cb32fc37e' },
  'video/chaplin.mp4': { spec: 'a-520d79986112', seq: 'fbad9cbcae232415', summary: 'c1b80cc0bcd0631d', analysis: 'be18b2f93610eb1c' },
  'video/fire2.mp4': { spec: 'a-520d79986112', seq: '375bb293aecb8be0', summary: '92eabc13f91bbd48', analysis: '7d84a58671379fe6' },
  'video/smpte-2997.mp4': { spec: 'a-520d79986112', seq: '660d23a344bebc84', summary: '527bb4c96e54bbab', analysis: '6f0df06ed1828868' },
};

const sha = (...parts: Array<string | Uint8Array>): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};
const seqHash = (s: FeatureSeq): string => sha(JSON.stringify({ step: s.step, names: s.names, T: s.T, D: s.D }), new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));

const root = await sharedMediaDir();
const music = root ? (await readdir(join(root, 'music'))).filter((f) => f.endsWith('.ogg')).sort() : [];
const ffmpegVersion = toolInfo('ffmpeg').version;

describe.skipIf(!root || ffmpegVersion !== GOLDEN.ffmpeg)('stored descriptor values of the shared recordings (golden)', () => {
  it('covers the 8 recordings', () => {
    expect(music).toHaveLength(8);
    expect(Object.keys(GOLDEN.files).sort()).toEqual(music);
    expect(ANALYSIS_VERSION).toBe(GOLDEN.analysisVersion);
  });

  it.each(music)('%s: sequence, summary and analysis as committed', async (name) => {
    expect(await storedValues(join(root!, 'music', name), name)).toEqual(GOLDEN.files[name]);
  }, 120_000);

  it.each(Object.keys(GOLDEN_RESAMPLED))('%s (downmixed and resampled): sequence, summary and analysis as committed', async (name) => {
    expect(await storedValues(join(root!, name), name)).toEqual(GOLDEN_RESAMPLED[name]);
  }, 120_000);
});

/** What the library stores for `file`, as hashes. */
async function storedValues(file: string, name: string): Promise<{ spec: string; seq: string; summary: string; analysis: string }> {
  const features = await extractAudioFeatures(file);
  const analysis = await analyzeTrack(file, new AbortController().signal);
  const got = {
    spec: features.seq.spec,
    seq: seqHash(features.seq),
    summary: sha(JSON.stringify(features.summary)),
    // What the catalog stores: the analyser's own sequence (it decodes on its own path), tags, duration and track summary.
    analysis: sha(seqHash(analysis.seq), JSON.stringify(analysis.info), JSON.stringify(analysis.summary)),
  };
  if (process.env.NEEDLEDROP_PRINT_GOLDEN) process.stderr.write(`${JSON.stringify({ [name]: got })}\n`);
  return got;
}

describe.skipIf(!root || ffmpegVersion === GOLDEN.ffmpeg)('golden descriptor values', () => {
  it.skip(`recorded with ffmpeg ${GOLDEN.ffmpeg}, this is ${ffmpegVersion ?? 'unknown'}: skipped`, () => undefined);
});
