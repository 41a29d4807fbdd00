import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClip, sliceClip } from '../../../electron/engine/app/clip';
import { buildPlaylist, savePlaylist, similar } from '../../../electron/engine/app/curate';
import { loadLibrary } from '../../../electron/engine/app/library';
import { matchAnalysis, matchClip, openMatchSession, type MatchSession } from '../../../electron/engine/app/match';
import { splitSections } from '../../../electron/engine/app/sections';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { getPlaylist } from '../../../electron/engine/catalog/playlists';
import { trackByPath } from '../../../electron/engine/catalog/tracks';
import type { CorpusManifest, CorpusPair } from '../../../electron/engine/corpus/types';
import { NeedledropError } from '../../../electron/engine/errors';
import { loadModel } from '../../../electron/engine/models/registry';
import { loadTrainingData } from '../../../electron/engine/train/dataset';
import { evaluateEmbedder } from '../../../electron/engine/train/eval';
import { onnxEmbedder } from '../../../electron/engine/train/export';
import { run as matchCli } from '../../../scripts/cli/match';
import { run as playlistCli } from '../../../scripts/cli/playlist';
import { run as similarCli } from '../../../scripts/cli/similar';
import { concatClips, ffmpeg, indexWithModel, makeCorpus, MODEL, runCli, tempDir } from './fixture';

const PAIRS = 20;

describe('match, sections and curation on a generated corpus indexed with the shipped model', () => {
  let root: string;
  let corpus: string;
  let manifest: CorpusManifest;
  let dbPath: string;
  let db: Catalog;
  let session: MatchSession;
  const clipOf = (p: CorpusPair) => join(corpus, p.video);
  const trackOf = (p: CorpusPair) => join(corpus, p.music);

  beforeAll(async () => {
    root = tempDir('match');
    corpus = join(root, 'corpus');
    manifest = await makeCorpus(corpus, PAIRS, 11);
    dbPath = join(root, 'catalog.sqlite');
    db = openCatalog(dbPath);
    await indexWithModel(db, [join(corpus, 'music')]);
    session = await openMatchSession(db, { version: MODEL, provider: 'cpu', catalogPath: dbPath });
  });
  afterAll(async () => {
    await session?.close();
    db?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ranks the true track above fixed floors and at about the rate eval reports (±0.25), offsets inside the track', async () => {
    // Every track ranked (top K = all), so the true track's rank is known for each clip.
    const ranks: number[] = [];
    for (const pair of manifest.pairs) {
      const m = await matchClip(session, clipOf(pair), { topK: PAIRS });
      expect(m.results).toHaveLength(PAIRS);
      ranks.push(m.results.findIndex((r) => r.track.path === trackOf(pair)) + 1);
      for (const r of m.results) {
        expect(r.offset).toBeGreaterThanOrEqual(0);
        expect(r.offset).toBeLessThan(r.track.duration);
        expect(r.why.pace.bpm).toBe(Number((r.track.bpm ?? 0).toFixed(1)));
      }
    }
    expect(ranks.every((r) => r >= 1)).toBe(true);
    const matchRecall10 = ranks.filter((r) => r <= 10).length / PAIRS;
    const matchRecall1 = ranks.filter((r) => r === 1).length / PAIRS;
    const medianRank = [...ranks].sort((a, b) => a - b)[PAIRS / 2 - 1];

    // What `needledrop eval` computes (mean segment vectors, onnxruntime), on the same pairs the catalog holds.
    const data = await loadTrainingData(corpus, { jobs: 2 });
    const embedder = await onnxEmbedder(await loadModel({ version: MODEL }), 'cpu', () => {});
    const evalRecall10 = (await evaluateEmbedder('eval', data.pairs, embedder)).videoToMusic.recall10;
    await embedder.close();
    process.stderr.write(
      `match R@1 ${matchRecall1.toFixed(3)} R@10 ${matchRecall10.toFixed(3)} median rank ${medianRank} (ranks ${ranks.join(' ')}) vs eval R@10 ${evalRecall10.toFixed(3)} over ${PAIRS} pairs (chance R@10 ${(10 / PAIRS).toFixed(2)})\n`,
    );
    // 0.25 = 5 of 20 clips: alignment scoring and mean vectors differ on individual near-ties.
    expect(Math.abs(matchRecall10 - evalRecall10)).toBeLessThanOrEqual(0.25);
    // Fixed floors for this fixed corpus (seed 11, shipped base model). Measured: R@1 0.60, R@10 1.00,
    // median rank 1, worst rank 7 of 20 (the 2,000-pair base: R@1 0.50, R@10 1.00, worst 8; the
    // 1,600-pair one: R@1 0.40, R@10 1.00, worst 7; the 1,000-pair one: R@1 0.40, R@10 0.95, worst 14;
    // the 600-pair one: R@1 0.30, R@10 1.00, worst 8); chance is R@1 0.05, R@10 0.50, median 10.5.
    // The R@1 floor is the lowest any shipped model measured.
    expect(matchRecall10).toBeGreaterThanOrEqual(0.95);
    expect(matchRecall1).toBeGreaterThanOrEqual(0.3);
    expect(medianRank).toBeLessThanOrEqual(3);
    // 20 matches plus descriptors of 20 pairs: about 40 s alone, more on a busy 2-core machine.
  }, 180_000);

  it('restricts the clip to --start/--end (cuts, summary, CLI JSON with the provider)', async () => {
    const pair = manifest.pairs.find((p) => p.nuisance.cuts.some((c) => c > 2.5 && c < 6.5)) ?? manifest.pairs[0];
    const full = await analyzeClip(clipOf(pair));
    const part = await matchClip(session, clipOf(pair), { range: { start: 2, end: 7 }, topK: 5 });
    expect(part.start).toBeCloseTo(2, 5);
    expect(part.end).toBeCloseTo(7, 5);
    expect(part.summary.duration).toBeCloseTo(5, 5);
    const expected = full.cuts.filter((c) => c > 2.05 && c < 7);
    expect(part.summary.cuts).toBe(expected.length);
    for (const r of part.results) expect(r.offset).toBeLessThan(r.track.duration);

    const { code, out } = await runCli(matchCli, [clipOf(pair), '--start', '2', '--end', '7', '--top', '3', '--db', dbPath, '--model', MODEL, '--provider', 'cpu', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.provider).toBe('cpu');
    expect(doc.model).toBe(MODEL);
    expect(doc.clips[0]).toMatchObject({ start: 2, end: 7 });
    expect(doc.clips[0].results.map((r: { track: { path: string } }) => r.track.path)).toEqual(part.results.slice(0, 3).map((r) => r.track.path));

    // Review R36: one unreadable clip of a batch is named and skipped; the others are still ranked, and
    // the run exits 1. A lone unreadable clip stays the command's error.
    const missing = join(root, 'no-such-clip.mp4');
    const other = manifest.pairs[3];
    const batch = await runCli(matchCli, [clipOf(pair), missing, clipOf(other), '--top', '3', '--db', dbPath, '--model', MODEL, '--provider', 'cpu', '--json']);
    expect(batch.code).toBe(1);
    const both = JSON.parse(batch.out);
    expect(both.clips.map((c: { file: string }) => c.file)).toEqual([clipOf(pair), clipOf(other)]);
    expect(both.failed).toEqual([{ file: missing, error: `${missing}: file not found` }]);
    const alone = JSON.parse((await runCli(matchCli, [clipOf(other), '--top', '3', '--db', dbPath, '--model', MODEL, '--provider', 'cpu', '--json'])).out);
    expect(both.clips[1].results).toEqual(alone.clips[0].results);
    await expect(runCli(matchCli, [missing, '--db', dbPath, '--model', MODEL, '--provider', 'cpu'])).rejects.toThrow(`${missing}: file not found`);
  });

  it('splits two joined clips with very different latents near the join; no track twice unless repeats are allowed', async () => {
    const dist = (a: CorpusPair, b: CorpusPair) => Math.hypot(a.latent.arousal - b.latent.arousal, a.latent.valence - b.latent.valence);
    let [a, b] = [manifest.pairs[0], manifest.pairs[1]];
    for (const p of manifest.pairs) for (const q of manifest.pairs) if (dist(p, q) > dist(a, b)) [a, b] = [p, q];
    const joined = concatClips(clipOf(a), clipOf(b), join(root, 'joined.mp4'));

    const m = await matchClip(session, joined, { sections: true, topK: 3 });
    const sections = m.sections ?? [];
    expect(sections.length).toBeGreaterThanOrEqual(2);
    const joins = sections.slice(1).map((s) => s.start);
    expect(Math.min(...joins.map((t) => Math.abs(t - 10)))).toBeLessThanOrEqual(1);
    const ids = sections.flatMap((s) => s.results.map((r) => r.track.id));
    expect(new Set(ids).size).toBe(ids.length);

    // With repeats allowed each section is ranked on its own.
    const clip = await analyzeClip(joined);
    const free = await matchAnalysis(session, clip, { sections: true, allowRepeats: true, topK: 3 });
    const parts = splitSections(clip);
    expect(free.sections?.length).toBe(parts.length);
    for (const [i, s] of parts.entries()) {
      const alone = await matchAnalysis(session, sliceClip(clip, s.fromRow, s.toRow), { topK: 3 });
      expect(free.sections?.[i].results.map((r) => r.track.id)).toEqual(alone.results.map((r) => r.track.id));
      // Reported from its shot cut (not the row edge its part starts on), each offset moved with the start:
      // the track stays where the match aligned it to the picture.
      const section = free.sections![i];
      expect(section.start).toBeCloseTo(clip.start + s.start, 3);
      expect(section.end).toBeCloseTo(clip.start + s.end, 3);
      section.results.forEach((r, k) => expect(r.offset).toBeCloseTo(Math.max(0, alone.results[k].offset + section.start - alone.start), 3));
      // Its cuts are those inside it: the cut it begins on is its start (the row-based part counted it).
      const inside = clip.cuts.filter((c) => c > s.start + 0.05 && c < s.end - 0.05);
      expect(section.summary).toMatchObject({ cuts: inside.length, duration: expect.closeTo(s.end - s.start, 3) });
      expect(section.summary.cutsPerMin).toBeCloseTo((inside.length / (s.end - s.start)) * 60, 2);
    }
    expect(parts.slice(1).every((s) => clip.cuts.includes(s.start))).toBe(true);

    // A fast-cut clip joined to itself: cuts that could split it (8 s either side), but pace and mood never change.
    // (Some generated styles hide their cuts from the detector: take the first busy clip whose cuts are seen.)
    const busy = [...manifest.pairs].sort((p, q) => q.nuisance.cuts.length - p.nuisance.cuts.length).slice(0, 4);
    let tried = 0;
    for (const pair of busy) {
      const twice = await analyzeClip(concatClips(clipOf(pair), clipOf(pair), join(root, `twice-${pair.id}.mp4`)));
      if (!twice.cuts.some((c) => c >= 8 && c <= twice.duration - 8)) continue;
      tried++;
      expect(splitSections(twice)).toHaveLength(1);
    }
    expect(tried).toBeGreaterThan(0);
  });

  it('similar tracks and playlists have no repeats, are saved in the catalog, and the M3U content is exact', async () => {
    const library = loadLibrary(db, MODEL);
    const seed = trackOf(manifest.pairs[0]);
    const near = similar(library, seed, 5);
    expect(near).toHaveLength(5);
    const nearIds = near.map((t) => t.track.id);
    expect(new Set(nearIds).size).toBe(5);
    expect(nearIds).not.toContain(trackByPath(db, seed)?.id);
    expect(near.map((t) => t.score)).toEqual([...near.map((t) => t.score)].sort((x, y) => y - x));

    const seeds = [trackOf(manifest.pairs[0]), trackOf(manifest.pairs[1])];
    const more = buildPlaylist(library, { kind: 'more-like', seeds }, 6);
    const moreIds = more.tracks.map((t) => t.track.id);
    expect(new Set(moreIds).size).toBe(6);
    for (const s of seeds) expect(moreIds).not.toContain(trackByPath(db, s)?.id);
    // A seed given twice is named once (review R31).
    const once = buildPlaylist(library, { kind: 'more-like', seeds: [seeds[0]] }, 2).name;
    expect(buildPlaylist(library, { kind: 'more-like', seeds: [seeds[0], seeds[0]] }, 2).name).toBe(once);
    const id = savePlaylist(library, more);
    expect(getPlaylist(db, id)).toMatchObject({ name: more.name, trackIds: moreIds });

    const path = buildPlaylist(library, { kind: 'mood-path', from: seeds[0], to: seeds[1] }, 5);
    expect(path.tracks.map((t) => t.track.path)).toHaveLength(5);
    expect(path.tracks[0].track.path).toBe(seeds[0]);
    expect(path.tracks[4].track.path).toBe(seeds[1]);
    expect(new Set(path.tracks.map((t) => t.track.id)).size).toBe(5);

    const curve = buildPlaylist(library, { kind: 'energy', curve: 'low,mid,high,mid,low' }, 8);
    expect(new Set(curve.tracks.map((t) => t.track.id)).size).toBe(8);
    const energy = curve.tracks.map((t) => t.track.energy);
    expect(Math.max(...energy.slice(3, 5))).toBeGreaterThan(Math.max(energy[0], energy[7]));
  });

  it('playlist CLI writes exact extended M3U (rounded duration, artist – title, relative paths) and saves it; similar CLI by id', async () => {
    mkdirSync(join(root, 'tagged'));
    const tagged = join(root, 'tagged', 'tone.ogg');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=12.4', '-metadata', 'artist=Test Artist', '-metadata', 'title=Tagged Tone', '-c:a', 'libvorbis', tagged]);
    await indexWithModel(db, [join(root, 'tagged')]);
    mkdirSync(join(root, 'lists'));
    const m3u = join(root, 'lists', 'path.m3u8');
    const to = trackOf(manifest.pairs[2]);
    const args = ['--from', tagged, '--to', to, '--length', '3', '--m3u', m3u, '--name', 'Tone to p3', '--db', dbPath, '--model', MODEL, '--json'];
    const { code, out } = await runCli(playlistCli, args);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    const paths: string[] = doc.tracks.map((t: { track: { path: string } }) => t.track.path);
    expect(paths[0]).toBe(tagged);
    expect(paths[2]).toBe(to);
    const middle = paths[1];
    const middleSeconds = Math.round(trackByPath(db, middle)!.duration);
    // An untagged track is named by its file name, as every front names it (trackLabel).
    const name = (p: string) => basename(p);
    expect(readFileSync(m3u, 'utf8')).toBe(
      [
        '#EXTM3U',
        '#EXTINF:12,Test Artist – Tagged Tone',
        '../tagged/tone.ogg',
        `#EXTINF:${middleSeconds},${name(middle)}`,
        `../corpus/${middle.slice(corpus.length + 1)}`,
        `#EXTINF:20,${name(to)}`,
        `../corpus/${manifest.pairs[2].music}`,
        '',
      ].join('\n'),
    );
    expect(getPlaylist(db, doc.id)).toMatchObject({ name: 'Tone to p3', trackIds: doc.tracks.map((t: { track: { id: number } }) => t.track.id) });

    // Review R1: --m3u once wrote over any file, the catalog itself included. Now only a playlist's
    // name, and an existing file only with --force; whatever is refused keeps its bytes.
    const written = readFileSync(m3u);
    const catalogBytes = readFileSync(dbPath);
    const tracksBefore = db.prepare('SELECT count(*) AS n FROM tracks').get() as { n: number };
    const refused = (out: string, extra: string[] = []) => runCli(playlistCli, ['--seed', tagged, '--length', '2', '--m3u', out, '--db', dbPath, '--model', MODEL, ...extra]);
    await expect(refused(m3u)).rejects.toThrow(`${m3u}: already exists`);
    expect(readFileSync(m3u).equals(written)).toBe(true);
    await expect(refused(dbPath)).rejects.toThrow(`${dbPath}: a playlist file must be named .m3u8 or .m3u`);
    await expect(refused(dbPath, ['--force'])).rejects.toThrow('must be named .m3u8 or .m3u');
    expect(readFileSync(dbPath).equals(catalogBytes)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM tracks').get()).toEqual(tracksBefore);
    expect((await refused(m3u, ['--force'])).code).toBe(0);
    const replaced = readFileSync(m3u, 'utf8').split('\n');
    expect(replaced[0]).toBe('#EXTM3U');
    expect(replaced.filter((l) => l.startsWith('#EXTINF'))).toHaveLength(2);
    expect(readdirSync(join(root, 'lists'))).toEqual(['path.m3u8']);

    const id = trackByPath(db, tagged)!.id;
    const sim = await runCli(similarCli, [String(id), '--top', '3', '--db', dbPath, '--model', MODEL, '--json']);
    const results: Array<{ track: { id: number } }> = JSON.parse(sim.out).results;
    expect(results).toHaveLength(3);
    expect(results.map((r) => r.track.id)).not.toContain(id);
    expect(new Set(results.map((r) => r.track.id)).size).toBe(3);
  });

  it('fails with a clear input error (exit 1) on a missing or empty catalog, a model that is not installed, a clip without video, an unknown track', async () => {
    const clip = clipOf(manifest.pairs[0]);
    const empty = join(root, 'empty.sqlite');
    // Errors as data: a bad-input family code (exit 1), the file and cause in the message.
    const inputError = (pattern: RegExp) =>
      expect.objectContaining({ code: expect.stringMatching(/^(bad-input|not-indexed|not-found)$/), message: expect.stringMatching(pattern) }) as NeedledropError;
    await expect(matchCli([clip, '--db', empty, '--model', MODEL])).rejects.toEqual(inputError(/empty\.sqlite: no catalog here: index your music first/));
    expect(existsSync(empty)).toBe(false);
    openCatalog(empty).close();
    await expect(matchCli([clip, '--db', empty, '--model', MODEL])).rejects.toEqual(inputError(/no tracks: index your music first/));
    // A version that is not installed says so (review S4); an installed one without segments: cli-messages.test.ts.
    await expect(matchCli([clip, '--db', dbPath, '--model', 'other'])).rejects.toEqual(
      expect.objectContaining({ code: 'no-model', message: expect.stringMatching(/no model version "other"/) }) as NeedledropError,
    );
    await expect(matchCli([trackOf(manifest.pairs[0]), '--db', dbPath, '--model', MODEL])).rejects.toEqual(inputError(/has no video stream/));
    await expect(similarCli([join(root, 'nope.flac'), '--db', dbPath, '--model', MODEL])).rejects.toEqual(inputError(/nope\.flac: not in the catalog/));
  });
});
