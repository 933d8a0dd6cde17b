import { interval } from '../util/stats';
import type { RecipeFit } from './types';

/**
 * b - a for every fitted parameter the two fits share, and for the frontier quantities K, c_N and
 * tokensPerParam. The interval pairs the i-th bootstrap draw of a with the i-th of b: the draws are
 * independent (each recipe is resampled with its own seed), so their differences sample the difference.
 */
export function coefficientDifference(a: RecipeFit, b: RecipeFit): Record<string, { value: number; ci: [number, number] | null }> {
  const out: Record<string, { value: number; ci: [number, number] | null }> = {};
  const sa = a.fit.bootstrap?.samples;
  const sb = b.fit.bootstrap?.samples;
  for (const [name, pa] of Object.entries(a.fit.params)) {
    const pb = b.fit.params[name];
    if (!pb || pa.fixed || pb.fixed) continue;
    let ci: [number, number] | null = null;
    if (sa?.[name] && sb?.[name]) {
      const n = Math.min(sa[name].length, sb[name].length);
      if (n >= 2) ci = interval(Array.from({ length: n }, (_, i) => sb[name][i] - sa[name][i]));
    }
    out[name] = { value: pb.value - pa.value, ci };
  }
  // Frontier quantities: point values only (their draws are summarised per recipe, not kept).
  for (const key of ['K', 'c_N']) {
    const va = a.frontier.constants[key];
    const vb = b.frontier.constants[key];
    if (va !== undefined && vb !== undefined && !(key in out)) out[key] = { value: vb - va, ci: null };
  }
  out.tokensPerParam = { value: b.frontier.tokensPerParam - a.frontier.tokensPerParam, ci: null };
  return out;
}
