/** The recipe chart: each recipe's frontier, and the compute multiplier of each against the first. */
import type { PlotlyFigure } from '../plotlyFigure';
import type { RecipesLike } from '../shapes';
import { ScalingLabError } from '../../errors';
import { compactNumber } from '../table';
import { CONFIG, ROLE_LABELS, axis, baseLayout, logspace, type Trace } from './axes';
import { constant } from './frontier';
import { REFERENCE_LINE, paletteColor } from './palette';

/** Left panel: each recipe's L*(C) through its budgets. */
function frontierTraces(r: RecipesLike, names: string[]): { traces: Trace[]; flops: number[] } {
  const traces: Trace[] = [];
  const flops: number[] = [...(r.budgets ?? [])];
  names.forEach((name, k) => {
    const fr = r.recipes[name].frontier;
    const rows = [...(fr?.rows ?? [])].sort((a, b) => a.flops - b.flops);
    const color = paletteColor(k);
    rows.forEach((row) => flops.push(row.flops));
    if (rows.length > 1 && fr.loss) {
      const Cg = logspace(rows[0].flops, rows[rows.length - 1].flops, 60);
      traces.push({ type: 'scatter', mode: 'lines', name: `${name}: L*(C)`, legendgroup: name, x: Cg, y: Cg.map((c) => fr.loss!(c)), line: { color, width: 2 } });
    }
    traces.push({ type: 'scatter', mode: rows.length > 1 && fr.loss ? 'markers' : 'lines+markers', name: `${name}: budgets (${r.recipes[name].n} runs)`, legendgroup: name,
      x: rows.map((row) => row.flops), y: rows.map((row) => row.loss), marker: { color, size: 8 }, line: { color } });
  });
  return { traces, flops };
}

/** The paper's prediction with equal L0: recipe R needs (K_base/K_R)^6 times less compute at every budget. */
function paperMultiplier(r: RecipesLike, base: string, name: string): number | undefined {
  const K = (n: string) => constant(r.recipes[n].frontier ?? {}, ['K']);
  const L0 = (n: string) => constant(r.recipes[n].frontier ?? {}, ['L0', 'E']);
  const kb = K(base), kr = K(name), lb = L0(base), lr = L0(name);
  if (kb === undefined || kr === undefined || lb === undefined || lr === undefined) return undefined;
  if (Math.abs(lb - lr) > 1e-9 * Math.max(1, Math.abs(lb))) return undefined;
  return (kb / kr) ** 6;
}

/** Right panel: measured multipliers per budget, the paper's constant multiplier, and ×1. */
function multiplierTraces(r: RecipesLike, names: string[], budgets: number[]): { traces: Trace[]; values: number[] } {
  const base = names[0];
  const on = { xaxis: 'x2', yaxis: 'y2' };
  const span = () => [budgets[0], budgets[budgets.length - 1]];
  const traces: Trace[] = [];
  const values: number[] = [];
  names.slice(1).forEach((name, k) => {
    const ys = budgets.map((C) => { try { const v = r.multiplier!(name, base, C); return v > 0 && Number.isFinite(v) ? v : null; } catch { return null; } });
    values.push(...(ys.filter((v) => v !== null) as number[]));
    const color = paletteColor(k + 1);
    traces.push({ type: 'scatter', mode: 'lines+markers', name: `${name} vs ${base}`, legendgroup: name, x: budgets, y: ys, ...on, marker: { color, size: 8 }, line: { color } });
  });
  names.slice(1).forEach((name) => {
    const v = paperMultiplier(r, base, name);
    if (v === undefined) return;
    traces.push({ type: 'scatter', mode: 'lines', name: `paper: (K_${base}/K_${name})^6 = ${compactNumber(v)} (equal L0)`, x: span(), y: [v, v],
      ...on, line: { ...REFERENCE_LINE, dash: 'dot' } });
    values.push(v);
  });
  traces.push({ type: 'scatter', mode: 'lines', name: 'equal compute (×1)', x: span(), y: [1, 1], ...on, line: REFERENCE_LINE });
  return { traces, values };
}

/** Recipes: each recipe's frontier L*(C), and the compute multiplier of each recipe against the first. */
export function recipesFigure(r: RecipesLike): PlotlyFigure {
  const names = Object.keys(r.recipes);
  if (!names.length) throw new ScalingLabError('bad-value', 'plots.recipes: no recipes to draw.');
  const base = names[0];
  const { traces, flops } = frontierTraces(r, names);
  const layout: Record<string, unknown> = baseLayout(`Recipes compared by their coefficients (baseline: ${base})`, {
    xaxis: { ...axis(ROLE_LABELS.flops, flops, 0.5), domain: [0, 0.46] },
    yaxis: axis('frontier loss L* (nats)', traces.flatMap((t) => (t.y as number[]) ?? []), 1.3),
  });
  if (names.length > 1 && r.multiplier && r.budgets?.length) {
    const budgets = [...r.budgets].sort((a, b) => a - b);
    const mult = multiplierTraces(r, names, budgets);
    traces.push(...mult.traces);
    layout.xaxis2 = { ...axis(`baseline (${base}) compute C (FLOPs)`, budgets, 0.5), domain: [0.56, 1], anchor: 'y2' };
    layout.yaxis2 = { ...axis('compute multiplier (×, >1 = saves compute)', [...mult.values, 1], 0.5), anchor: 'x2' };
  }
  layout.legend = { orientation: 'h', y: -0.2 };
  layout.margin = { l: 70, r: 20, t: 60, b: 100 };
  layout.height = 480;
  return { data: traces, layout, config: CONFIG };
}
