/**
 * The album set's "same composer" label (scripts/dev/copyright.ts) on made-up copyright files:
 * a DEP-5 file whose stanzas name source paths the package installs elsewhere, a team's catch-all,
 * a free-text file, and albums joined by a shared holder.
 */
import { describe, expect, it } from 'vitest';
import { holderGroups, holderName, holdersOf, parseDep5 } from '../../../scripts/dev/copyright';

const DEP5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: somegame

Files: *
Copyright: 2001-2010 Ann Coder <ann@example.org>
           2004, 2005 Bob Artist
           2008 Carl Tester
License: GPL-2+

Files: data/music/*
Copyright: © 2006 Dora Composer (http://dora.example.org)
License: CC-BY-SA-3.0

Files: data/music/theme-*.ogg
       data/music/credits.ogg
Copyright: Copyright (C) 2009-2011 by Emil Guest. All rights reserved.
License: CC-BY-3.0

Files: debian/*
Copyright: 2012 Some Maintainer <m@example.org>
License: GPL-2+
`;

const FREE_TEXT = `This package was debianized by Some One <one@example.org> on Mon, 1 Jan 2007.
It was downloaded from http://example.org/
Upstream Author: Kenta Cho
Copyright:
    Copyright 2004 Kenta Cho
    import/SDL* : Copyright (C) 1997, 1998  Sam Lantinga
  1. Redistributions of source code must retain the above copyright notice,
`;

describe('copyright holders of packaged music', () => {
  it('reads a holder without years, ©, addresses or notes', () => {
    expect(holderName('Copyright: © 2006 Dora Composer (http://dora.example.org)')).toBe('Dora Composer');
    expect(holderName('  2001-2010 Ann Coder <ann@example.org>')).toBe('Ann Coder');
    expect(holderName('Copyright (C) 2009-2011 by Emil Guest. All rights reserved.')).toBe('Emil Guest');
    expect(holderName('2004, 2005')).toBeNull();
  });

  it('parses the stanzas of a machine-readable file, and nothing of a free-text one', () => {
    const stanzas = parseDep5(DEP5);
    expect(stanzas?.map((s) => s.files)).toEqual([['*'], ['data/music/*'], ['data/music/theme-*.ogg', 'data/music/credits.ogg'], ['debian/*']]);
    expect(stanzas?.[0].holders).toEqual(['Ann Coder', 'Bob Artist', 'Carl Tester']);
    expect(parseDep5(FREE_TEXT)).toBeNull();
  });

  it('gives an installed file the holders of the last stanza that matches the tail of its path', () => {
    const installed = 'usr/share/games/somegame/data/music';
    expect(holdersOf(DEP5, `${installed}/level1.ogg`)).toEqual(['Dora Composer']);
    expect(holdersOf(DEP5, `${installed}/theme-night.ogg`)).toEqual(['Emil Guest']);
    expect(holdersOf(DEP5, `${installed}/credits.ogg`)).toEqual(['Emil Guest']);
    // Only the catch-all matches, and it lists a team (three holders): no composer named.
    expect(holdersOf(DEP5, 'usr/share/games/somegame/sounds/boom.ogg')).toEqual([]);
    // "music/*" does not match a folder that merely ends in "music".
    expect(holdersOf(DEP5.replace('data/music/*', 'music/*'), 'usr/share/games/somegame/data/xmusic/a.ogg')).toEqual([]);
  });

  it('takes a free-text file’s first dated copyright line for every track', () => {
    expect(holdersOf(FREE_TEXT, 'usr/share/games/x/sounds/musics/a.ogg')).toEqual(['Kenta Cho']);
  });

  it('joins albums that share a holder (case and accents ignored), transitively', () => {
    const groups = holderGroups({ shmup1: ['Kenta Cho'], shmup2: ['kenta  cho'], other: ['José X'], third: ['Jose x', 'Y'], alone: [], solo: ['Z'] });
    expect(groups).toEqual({ alone: 'alone', other: 'other+third', shmup1: 'shmup1+shmup2', shmup2: 'shmup1+shmup2', solo: 'solo', third: 'other+third' });
  });
});
