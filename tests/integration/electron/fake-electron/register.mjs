// `node --import ./register.mjs dist/electron/main.js`: `import … from 'electron'` gets electron.mjs.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
