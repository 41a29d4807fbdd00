/**
 * The "never inside the data folder" rule by the data folder's identity, not its spelling (review
 * R5.3): on macOS and Windows another case (or a trailing dot, \\?\, an 8.3 name) of the data
 * folder's path passed the string test. Linux cannot mount a case-insensitive volume here, so the
 * identity route is shown with another spelling Linux has: a bind mount of the data folder (a
 * different path, no link to resolve; in a user namespace, `unshare -rm`), and a symbolic link.
 * A confined Engine answers output.check, the app's check before an export, by the write rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'nd-data-identity-'));
const data = join(tmp, 'data');
const alias = join(tmp, 'alias');
mkdirSync(data);
mkdirSync(alias);
symlinkSync(data, join(tmp, 'link'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const service = join(__dirname, '../../../electron/engine/service/index.ts');
const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
const script = join(tmp, 'check.mts'); // an ES module: top-level await
writeFileSync(
  script,
  `import { contextFromEnv, Engine } from ${JSON.stringify(service)};
const engine = new Engine(contextFromEnv({}, { dataDir: ${JSON.stringify(data)}, confined: true }));
const answers = [];
for (const path of process.argv.slice(2)) answers.push(await engine.call('output.check', { path }));
await engine.close();
process.stdout.write(JSON.stringify(answers));`,
);
// The bind mount lives only in the namespace the engine runs in.
const inNamespace = (paths: string[]) =>
  spawnSync('unshare', ['-rm', 'sh', '-c', 'mount --bind "$1" "$2" && shift 2 && exec "$@"', 'sh', data, alias, tsx, script, ...paths], { encoding: 'utf8', timeout: 60_000 });
const bindWorks = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount --bind "$1" "$2"', 'sh', data, alias]).status === 0;

describe('a write into the data folder by another spelling of it (review R5.3)', () => {
  it('is refused through a bind mount of the data folder (by dev+ino) and through a symbolic link to it', () => {
    const paths = [join(tmp, 'link', 'scored.mp4'), join(tmp, 'elsewhere.mp4'), ...(bindWorks ? [join(alias, 'scored.mp4')] : [])];
    // One engine process for all (each costs seconds to start); without user namespaces, only the link.
    const r = bindWorks ? inNamespace(paths) : spawnSync(tsx, [script, ...paths], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const [link, elsewhere, bound] = JSON.parse(r.stdout) as { problem: string | null }[];
    expect(link.problem).toContain(`${paths[0]}: is inside Needledrop's data folder`);
    expect(elsewhere.problem).toBeNull();
    if (bindWorks) expect(bound.problem).toContain(`${paths[2]}: is inside Needledrop's data folder`);
    else console.warn('unshare -rm refused here: the bind-mount route was not checked');
  }, 90_000);
});
