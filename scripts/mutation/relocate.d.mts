// Types of relocate.mjs for the TypeScript tests (the scripts run as plain Node ESM).
export interface Position {
  line: number;
  column: number;
}
export interface Span {
  start: number;
  end: number;
}
export function offsetOf(text: string, position: Position): number;
export function positionOf(text: string, offset: number): Position;
export function matchNodes(oldText: string, newText: string, oldNodes: Span[], newNodes: Span[]): (number | undefined)[];
