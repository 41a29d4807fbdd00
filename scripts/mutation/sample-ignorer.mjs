// A Stryker ignorer for the sampled runs (scripts/mutation/sample.mjs): Stryker mutates every
// node inside a `mutate` range, so a sampled `{ … }` block would bring all the nodes within it.
// This keeps only the sampled nodes: any node that is not sampled and holds no sampled node is
// ignored (an ignore also covers the node's children, hence "holds no sampled node").
import { readFileSync } from 'node:fs';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { sampleFile } from './sample.mjs';

// Which sample: set by stryker.config.mjs for NEEDLEDROP_MUTATION_RUN=NAME-sample.
const byFile = new Map();
for (const n of JSON.parse(readFileSync(sampleFile(process.env.NEEDLEDROP_MUTATION_SAMPLE ?? 'engine'), 'utf8')).nodes) byFile.set(n.file, [...(byFile.get(n.file) ?? []), n]);

const before = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column);
const within = (inner, outer) => before(outer.start, inner.start) && before(inner.end, outer.end);
const same = (a, b) => a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;

function sampledIn(filename) {
  for (const [file, nodes] of byFile) if (filename.endsWith(`/${file}`) || filename === file) return nodes;
  return [];
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'sample', {
    shouldIgnore(path) {
      const loc = path.node.loc;
      if (!loc) return undefined;
      const nodes = sampledIn(path.hub?.file?.opts?.filename ?? '');
      if (nodes.some((n) => same(n, loc) || within(n, loc))) return undefined;
      return 'not in the sample';
    },
  }),
];
