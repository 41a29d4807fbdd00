// Finding a drawn sample's nodes again after their file was edited (scripts/mutation/sample.mjs
// relocate). A sample stores positions; an edit above a node moves it, an edit of the node itself
// makes it other code. Matching is by text: a node of the old version is the same node in the new
// version when its own text and the whole lines it sits on are unchanged there. Among several such
// places (a repeated line), the one whose surrounding code agrees longest wins, then the nearest;
// each new node is given to one old node at most, so a deleted line cannot take its twin's place.

/** @typedef {{ line: number, column: number }} Position  Lines 1-based, columns 0-based (Stryker's mutate ranges). */
/** @typedef {{ start: number, end: number }} Span  Offsets into the file's text. */

/** The offset of a position in `text`. */
export function offsetOf(text, { line, column }) {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    offset = text.indexOf('\n', offset) + 1;
    if (offset === 0) throw new Error(`line ${line} is past the end of the text (${l} lines)`);
  }
  return offset + column;
}

/** The position of an offset in `text`. */
export function positionOf(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart };
}

// How far back (and forward) the surrounding code is compared: enough to tell repeated lines apart.
const CONTEXT = 4000;

function commonSuffix(a, aEnd, b, bEnd) {
  let n = 0;
  while (n < CONTEXT && n < aEnd && n < bEnd && a.charCodeAt(aEnd - 1 - n) === b.charCodeAt(bEnd - 1 - n)) n++;
  return n;
}

function commonPrefix(a, aStart, b, bStart) {
  let n = 0;
  while (n < CONTEXT && aStart + n < a.length && bStart + n < b.length && a.charCodeAt(aStart + n) === b.charCodeAt(bStart + n)) n++;
  return n;
}

/** The text from the start of the node's first line and to the end of its last: what must be unchanged. */
function lineBounds(text, span) {
  const from = text.lastIndexOf('\n', span.start - 1) + 1;
  const nl = text.indexOf('\n', span.end);
  return { head: span.start - from, tail: (nl < 0 ? text.length : nl) - span.end };
}

/**
 * For each node of `oldText`, the index of the same node among `newNodes` in `newText`, or
 * undefined when its code was deleted or edited.
 * @param {string} oldText
 * @param {string} newText
 * @param {Span[]} oldNodes
 * @param {Span[]} newNodes
 * @returns {(number | undefined)[]}
 */
export function matchNodes(oldText, newText, oldNodes, newNodes) {
  const byText = new Map();
  newNodes.forEach((n, j) => {
    const t = newText.slice(n.start, n.end);
    byText.set(t, [...(byText.get(t) ?? []), j]);
  });
  const pairs = [];
  oldNodes.forEach((o, i) => {
    const candidates = byText.get(oldText.slice(o.start, o.end)) ?? [];
    const { head, tail } = lineBounds(oldText, o);
    for (const j of candidates) {
      const n = newNodes[j];
      const before = commonSuffix(oldText, o.start, newText, n.start);
      const after = commonPrefix(oldText, o.end, newText, n.end);
      // The whole lines must agree (and be whole lines in the new text too).
      if (before < head || after < tail) continue;
      const newHead = lineBounds(newText, n);
      if (newHead.head !== head || newHead.tail !== tail) continue;
      pairs.push({ i, j, score: before + after, distance: Math.abs(n.start - o.start) });
    }
  });
  pairs.sort((a, b) => b.score - a.score || a.distance - b.distance);
  const result = new Array(oldNodes.length).fill(undefined);
  const taken = new Set();
  for (const p of pairs) {
    if (result[p.i] !== undefined || taken.has(p.j)) continue;
    result[p.i] = p.j;
    taken.add(p.j);
  }
  return result;
}
