/**
 * `npx tsx scripts/demo-screenshot.ts [--out docs/demo.png] [--head 24]`: runs `npm run demo`, renders
 * what it printed as a terminal page in Chromium (playwright-core driving $CHROMIUM, default
 * Debian's /usr/bin/chromium) and
 * saves the screenshot the README shows. The middle of the per-clip listing is elided so the
 * summary lines fit.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { num } from './cli/args';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/demo.png' }, head: { type: 'string', default: '24' } } });
const repo = resolve(import.meta.dirname, '..');
const run = spawnSync('npm', ['run', 'demo'], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
if (run.status !== 0) throw new Error(`npm run demo failed (${run.status}): ${run.stderr}`);

const lines = run.stdout.replace(/\s+$/, '').split('\n');
const head = num(values.head, 'head', { min: 1, int: true }) ?? 24;
const summaryAt = lines.findIndex((l) => l.startsWith('true track ranked'));
if (summaryAt < 0) throw new Error('the demo printed no "true track ranked" summary line: its output format changed');
const tail = lines.slice(summaryAt);
const shown = lines.length > head + tail.length ? [...lines.slice(0, head), '…', ...tail] : lines;

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const html = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1e2127; font: 13px/1.45 "DejaVu Sans Mono", monospace; color: #d7dae0; }
.bar { background: #2c313a; padding: 6px 14px; color: #abb2bf; }
pre { margin: 0; padding: 10px 14px; white-space: pre-wrap; }
</style><div class="bar">$ npm run demo</div><pre>${escape(shown.join('\n'))}</pre>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 400 } });
  await page.setContent(html);
  await page.screenshot({ path: resolve(repo, values.out), fullPage: true });
} finally {
  await browser.close();
}
process.stdout.write(`${resolve(repo, values.out)}: ${shown.length} of ${lines.length} lines\n`);
