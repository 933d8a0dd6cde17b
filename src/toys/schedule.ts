/** Linear warm-up then cosine decay to `floor` times the peak, as in the superposition code. */
export function warmupCosine(step: number, total: number, peak: number, warmupFraction: number, floor: number): number {
  const warm = Math.max(1, Math.round(total * warmupFraction));
  if (step < warm) return (peak * (step + 1)) / warm;
  const p = (step - warm) / Math.max(1, total - warm);
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p))));
}
