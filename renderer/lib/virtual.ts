/** Which rows of a long list to render: the visible ones plus a margin, never all 10,000. */
export interface RowWindow {
  first: number;
  /** Exclusive. */
  end: number;
}

export function rowWindow(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 8): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { first: 0, end: 0 };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first: Math.min(first, end), end };
}

/** Page indices covering rows [first, end). */
export function pagesFor(win: RowWindow, pageSize: number): number[] {
  if (win.end <= win.first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(win.first / pageSize); p <= Math.floor((win.end - 1) / pageSize); p++) pages.push(p);
  return pages;
}
