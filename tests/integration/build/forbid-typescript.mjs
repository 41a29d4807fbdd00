// Loaded with `node --import` in front of the built CLI: any import of tsx or of a .ts file (in the
// main thread or a worker, which inherits execArgv) fails loudly, so the build is proven to run
// with plain node.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  if (/^tsx(\\/|$)/.test(specifier) || /\\.m?ts$/.test(specifier)) throw new Error('the build imported TypeScript: ' + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
