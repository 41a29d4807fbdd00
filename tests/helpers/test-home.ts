/**
 * Vitest global setup: every test run gets its own empty data folder (NEEDLEDROP_HOME), so a CLI
 * or engine started by a test without a home of its own never reads or writes the user's
 * (~/.local/share/needledrop): a cache left there by an earlier run once made a clean clone's
 * test see "0 computed". Workers are forked after this runs and inherit the variable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_HOME_PREFIX = 'needledrop-test-home-';

export default function setup(): () => void {
  const home = mkdtempSync(join(tmpdir(), TEST_HOME_PREFIX));
  process.env.NEEDLEDROP_HOME = home;
  return () => rmSync(home, { recursive: true, force: true });
}
