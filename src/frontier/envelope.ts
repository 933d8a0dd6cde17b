/**
 * Hoffmann et al.'s approach 1 (docs/methods.md#isoflop-analysis): the lower envelope of the training
 * curves. At each of many log-spaced compute values, every run whose curve reaches it gives a loss
 * (ln L linear in ln C between its logged points); the run with the lowest loss gives N_opt(C) and the
 * tokens it had seen, D_opt(C).
 */

/** One training curve: its model size and its (compute, tokens, loss) points in increasing compute. */
export interface RunCurve { run: string; params: number; flops: number[]; tokens: number[]; loss: number[] }

/** A point of the envelope: the best run at this compute. */
export interface EnvelopePoint { flops: number; run: string; params: number; tokens: number; loss: number }

/** The envelope at `count` log-spaced compute values from the smallest to the largest compute logged. */
export function lowerEnvelope(curves: RunCurve[], count: number): EnvelopePoint[] {
  let lo = Infinity, hi = -Infinity;
  for (const c of curves) { lo = Math.min(lo, c.flops[0]); hi = Math.max(hi, c.flops[c.flops.length - 1]); }
  const out: EnvelopePoint[] = [];
  for (let j = 0; j < count; j++) {
    const lnC = Math.log(lo) + (j / (count - 1)) * (Math.log(hi) - Math.log(lo));
    let best: EnvelopePoint | null = null;
    for (const c of curves) {
      const at = interpolateCurve(c, lnC);
      if (at && (!best || at.loss < best.loss)) best = { flops: Math.exp(lnC), run: c.run, params: c.params, ...at };
    }
    if (best) out.push(best);
  }
  return out;
}

/** Loss and tokens of a run at ln C: their logs linear in ln C between its points (null outside its range). */
function interpolateCurve(c: RunCurve, lnC: number): { loss: number; tokens: number } | null {
  const n = c.flops.length;
  const first = Math.log(c.flops[0]), last = Math.log(c.flops[n - 1]);
  const tol = 1e-12 * Math.max(1, Math.abs(lnC));
  if (lnC < first - tol || lnC > last + tol) return null;
  if (n === 1) return { loss: c.loss[0], tokens: c.tokens[0] };
  let k = 0;
  while (k < n - 2 && Math.log(c.flops[k + 1]) < lnC) k++;
  const a = Math.log(c.flops[k]), b = Math.log(c.flops[k + 1]);
  const w = b > a ? Math.min(1, Math.max(0, (lnC - a) / (b - a))) : 0;
  const lerp = (u: number, v: number) => Math.exp((1 - w) * Math.log(u) + w * Math.log(v));
  return { loss: lerp(c.loss[k], c.loss[k + 1]), tokens: lerp(c.tokens[k], c.tokens[k + 1]) };
}
