/** Learning rate at a step: linear warm-up to `peak`, then cosine decay to `floor` at `total`. */
export function warmupCosine(step: number, opts: { peak: number; warmup: number; total: number; floor?: number }): number {
  const { peak, warmup, total } = opts;
  const floor = opts.floor ?? peak * 0.02;
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / warmup;
  const span = Math.max(1, total - warmup);
  const t = Math.min(1, (step - warmup) / span);
  return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * t));
}
