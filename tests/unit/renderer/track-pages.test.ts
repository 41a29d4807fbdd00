import { describe, expect, it } from 'vitest';
import type { TrackListItem, TrackPage } from '../../../electron/contract/types';
import { MAX_IN_FLIGHT, TrackPages } from '../../../renderer/lib/track-pages';

const track = (id: number): TrackListItem => ({ id, path: `/m/${id}.ogg`, title: `t${id}`, artist: null, album: null, duration: 60, bpm: 120, key: 'C major', energy: 0.5, searchable: true, partial: null, outside: false, unavailable: false });

/** A fake tracks.list over 1000 tracks whose answers the test releases by hand. */
function fakeApi() {
  const calls: { req: { offset: number; limit: number; search?: string }; resolve: (p: TrackPage) => void }[] = [];
  const api = {
    call: (_op: string, req: { offset: number; limit: number; search?: string }) =>
      new Promise<TrackPage>((resolve) => calls.push({ req, resolve })),
  };
  const answer = (i: number): void => {
    const { req, resolve } = calls[i];
    resolve({ total: 1000, offset: req.offset, tracks: Array.from({ length: req.limit }, (_, k) => track(req.offset + k + 1)), outside: 0 });
  };
  return { api: api as never, calls, answer };
}

describe('TrackPages', () => {
  it('fetches each page once and serves rows from it', async () => {
    const f = fakeApi();
    let changes = 0;
    const pages = new TrackPages(f.api, { search: '', sort: 'title', descending: false }, () => changes++, 100);
    pages.ensure([0], () => {});
    pages.ensure([0, 1], () => {});
    expect(f.calls.map((c) => c.req.offset)).toEqual([0, 100]);
    f.answer(1);
    await Promise.resolve();
    expect(pages.row(150)?.id).toBe(151);
    expect(pages.row(50)).toBeUndefined();
    expect(pages.total).toBe(1000);
    expect(changes).toBe(1);
  });

  it('keeps at most MAX_IN_FLIGHT requests waiting, and never asks for pages that scrolled away meanwhile', async () => {
    const f = fakeApi();
    const pages = new TrackPages(f.api, { search: '', sort: 'title', descending: false }, () => {}, 100);
    pages.ensure([0, 1, 2, 3], () => {});
    expect(f.calls).toHaveLength(MAX_IN_FLIGHT);
    f.answer(0);
    await Promise.resolve();
    pages.ensure([7, 8], () => {}); // the user scrolled on: pages 2 and 3 are not wanted any more
    expect(f.calls.map((c) => c.req.offset)).toEqual([0, 100, 700]);
  });

  it('drops answers for a query that was replaced', async () => {
    const f = fakeApi();
    const pages = new TrackPages(f.api, { search: '', sort: 'title', descending: false }, () => {}, 100);
    pages.ensure([0], () => {});
    pages.setQuery({ search: 'x', sort: 'bpm', descending: true });
    f.answer(0);
    await Promise.resolve();
    expect(pages.row(0)).toBeUndefined();
    pages.ensure([0], () => {});
    expect(f.calls[1].req).toMatchObject({ search: 'x', offset: 0 });
  });
});

describe('TrackPages.refresh', () => {
  it('keeps showing the old rows until the refetched page arrives', async () => {
    const f = fakeApi();
    const pages = new TrackPages(f.api, { search: '', sort: 'title', descending: false }, () => {}, 100);
    pages.ensure([0], () => {});
    f.answer(0);
    await Promise.resolve();
    pages.refresh();
    expect(pages.row(5)?.id).toBe(6); // still shown
    pages.ensure([0], () => {});
    expect(f.calls).toHaveLength(2); // but fetched again
    pages.ensure([0], () => {});
    expect(f.calls).toHaveLength(2); // once
  });

  it('shows an answer asked for before a change, and asks again once', async () => {
    const f = fakeApi();
    const pages = new TrackPages(f.api, { search: '', sort: 'title', descending: false }, () => {}, 100);
    pages.ensure([0], () => {});
    pages.refresh(); // the catalog changed while page 0 was on its way
    f.answer(0);
    await Promise.resolve();
    expect(pages.row(0)?.id).toBe(1);
    pages.ensure([0], () => {});
    pages.ensure([0], () => {});
    expect(f.calls).toHaveLength(2);
    f.answer(1);
    await Promise.resolve();
    pages.ensure([0], () => {});
    expect(f.calls).toHaveLength(2); // fresh now
  });
});
