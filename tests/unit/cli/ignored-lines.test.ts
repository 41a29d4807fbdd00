import { describe, expect, it } from 'vitest';
import { ignoredLines } from '../../../scripts/cli/format';
import { FOLDER_SKIPS } from '../../../electron/engine/service';

describe("index's lines for what it ignored (review R20)", () => {
  const alias = (p: string) => ({ reason: `the same file as /music/${p} (another path to it, e.g. through a link): catalogued once` });
  const other = (ext: string) => ({ reason: `not named like an audio file (${ext})` });

  it('counts another path to a catalogued file apart from the files that are not audio', () => {
    expect(ignoredLines([alias('a.ogg'), other('.jpg'), alias('b.ogg'), alias('c.ogg'), other('.txt')])).toEqual([
      '3 files already catalogued under another path',
      '2 files that are not audio ignored',
    ]);
  });

  it('says one in the singular, and nothing for a kind that is absent', () => {
    expect(ignoredLines([alias('a.ogg')])).toEqual(['1 file already catalogued under another path']);
    expect(ignoredLines([other('.jpg')])).toEqual(['1 file that is not audio ignored']);
    expect(ignoredLines([])).toEqual([]);
  });

  it('counts folders by what became of them, not as files (review S12.12)', () => {
    const folder = (reason: string) => ({ reason });
    expect(ignoredLines([folder(FOLDER_SKIPS.namedLikeAudio), other('.jpg'), folder(FOLDER_SKIPS.link), folder(FOLDER_SKIPS.namedLikeAudio), folder(FOLDER_SKIPS.hidden)])).toEqual([
      '2 folders named like audio files: scanned as folders',
      '1 hidden folder not scanned',
      '1 link to a folder not followed',
      '1 file that is not audio ignored',
    ]);
  });
});
