// Loaded with `node --import` in front of the built CLI: appends the name of every package the
// process loads to the file named by NEEDLEDROP_TEST_PACKAGES (one a line), so a test can say
// which packages a command loads (e.g. that `models` starts without TF.js). Both routes count: an
// ESM import of a package (the loader hook below, in the main thread and in workers, which inherit
// execArgv) and every CommonJS file in require's cache at exit (a package's own requires).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.NEEDLEDROP_TEST_PACKAGES;
if (log) {
  const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(node:|data:|file:|\\.|\\/)/.test(specifier)) appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const names = Object.keys(cache).flatMap((file) => /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1].replace('\\', '/') ?? []);
    if (names.length) appendFileSync(log, [...new Set(names)].join('\n') + '\n');
  });
}
