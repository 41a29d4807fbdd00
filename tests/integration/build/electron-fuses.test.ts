/**
 * The packaged app's Electron fuses (review R1.15), read the way `npm run dist` reads them:
 * build/electron-builder.yml through electron-builder's own loader and schema check (an unknown or
 * misspelt key is refused there), turned into the fuse wire by its own packager step, and checked
 * against @electron/fuses' option numbers. No Electron binary is flipped here (none is installed
 * for tests); `npx @electron/fuses read --app <packaged app>` shows them on a built one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const require = createRequire(join(REPO, 'package.json'));

interface Fuses {
  runAsNode?: boolean;
  enableCookieEncryption?: boolean;
  enableNodeOptionsEnvironmentVariable?: boolean;
  enableNodeCliInspectArguments?: boolean;
  enableEmbeddedAsarIntegrityValidation?: boolean;
  onlyLoadAppFromAsar?: boolean;
  loadBrowserProcessSpecificV8Snapshot?: boolean;
  grantFileProtocolExtraPrivileges?: boolean;
}
interface Config {
  asar?: boolean | { disableIntegrity?: boolean };
  electronFuses?: Fuses | null;
}

async function loadConfig(): Promise<Config> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig(dir: string, file: string, extra: null): Promise<Config>;
    validateConfiguration(c: Config, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(REPO, join(REPO, 'build/electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|js|mjs|cjs)$/.test(name) ? [p] : [];
  });
}

describe('the packaged app is built with its fuses set (review R1.15)', () => {
  it('electron-builder accepts the config and flips RunAsNode, NODE_OPTIONS, --inspect and file:// privileges off, asar-only, asar integrity and cookie encryption on', { timeout: 60_000 }, async () => {
    const config = await loadConfig();
    const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(f: Fuses): Promise<Record<string, unknown>> } } };
    const { FuseV1Options, FuseVersion } = require('@electron/fuses') as { FuseV1Options: Record<string, number>; FuseVersion: Record<string, string> };
    expect(config.electronFuses).toBeTruthy();
    const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses!);
    expect(wire.version).toBe(FuseVersion.V1);
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    // Review R5.7: the two the fuses guide recommends beyond those, and every fuse set, none left at Electron's default.
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    const fuses = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    expect(fuses.filter((n) => typeof wire[n] !== 'boolean')).toEqual([]);
    // Those two fuses need the app in an asar archive with its integrity hash.
    expect(config.asar === true || (typeof config.asar === 'object' && config.asar.disableIntegrity !== true)).toBe(true);
  });

  it('the shell needs none of what the fuses turn off (no ELECTRON_RUN_AS_NODE, no child_process.fork: utilityProcess)', () => {
    for (const file of sources(join(REPO, 'electron/main'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/ELECTRON_RUN_AS_NODE|NODE_OPTIONS|child_process['"][^\n]*\bfork\b|\bfork\s*\}\s*from\s*['"]node:child_process/);
    }
  });
});
