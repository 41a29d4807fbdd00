/**
 * Review S12.1: `models list` printed CREATED in UTC (the ISO string cut) without saying so, while
 * the Train screen's default version name is local time. It now prints local time with its offset.
 * Truth: the shipped base's createdAt (model.json) as Intl renders it in the zone given by TZ.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { needledropWithEnv, REPO_ROOT } from '../../helpers/cli';

const home = mkdtempSync(join(tmpdir(), 'nd-created-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it("prints the base version's creation in the local zone, with its offset", async () => {
  const { createdAt } = JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'base', 'model.json'), 'utf8')) as { createdAt: string };
  const zone = 'Asia/Kolkata'; // +05:30 all year: a half-hour offset no slicing of UTC can produce
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(createdAt));
  const r = await needledropWithEnv({ NEEDLEDROP_HOME: home, TZ: zone }, 'models', 'list');
  expect(r.code, r.stderr).toBe(0);
  const row = r.stdout.split('\n').find((l) => /^\*?\s+base\s/.test(l));
  expect(row).toContain(`${local} +05:30`);
}, 60_000);
