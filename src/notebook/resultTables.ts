/**
 * The HTML tables of the display bundles: a fit's parameters, a frontier's budgets, a recipe
 * comparison, a toy's exponent and the check against the papers. Plain strings, no DOM.
 */
import { cellText, escapeHtml, htmlTable, type Column } from './table';
import type { FrontierComparison } from '../frontier/compare';
import type { FitLike, FrontierLike, RecipesLike, ToyLike } from './shapes';
import type { PaperCheckRow } from './paperCheck';

/** 'CI 95%' for level 0.95; the level as a percentage without trailing digits (0.9 -> 'CI 90%'). */
export function intervalLabel(level: number | undefined): string {
  const pct = level !== undefined && level > 0 && level < 1 ? Number((level * 100).toPrecision(4)) : 95;
  return `CI ${pct}%`;
}

/** How many of the fit's runs the chart draws, when it draws a sample: ' · 1000 of 100000 runs shown (stratified sample)'. */
export function sampleNote(shown: number, total: number): string {
  return shown < total ? ` · ${shown} of ${total} runs shown (stratified sample)` : '';
}

export function paramsTable(fit: FitLike, sample = ''): string {
  const params = Object.values(fit.params ?? {});
  if (!params.length) return '';
  const ci = intervalLabel(fit.level);
  const cols: Record<string, Column> = {
    parameter: params.map((p) => p.name),
    value: params.map((p) => p.value),
    stderr: params.map((p) => p.stderr),
    [`${ci} low`]: params.map((p) => p.ci?.[0]),
    [`${ci} high`]: params.map((p) => p.ci?.[1]),
    status: params.map((p) => (p.fixed ? 'fixed' : p.tiedTo ? `tied: ${p.tiedTo}` : 'fitted')),
  };
  const caption = `L = ${fit.law}${fit.n !== undefined ? ` · n = ${fit.n}` : ''}${fit.residuals ? ` · RMS log residual ${cellText(fit.residuals.rmsLog)}` : ''}${fit.bootstrap ? ` · bootstrap ${fit.bootstrap.resamples}×` : ''}${sample}`;
  return htmlTable(cols, { caption, maxRows: 50 });
}

export function frontierTable(f: FrontierLike, maxRows: number): string {
  const rows = f.rows;
  const cols: Record<string, Column> = {
    'C (FLOPs)': rows.map((r) => r.flops), 'N* (params)': rows.map((r) => r.params), 'D* (tokens)': rows.map((r) => r.tokens),
  };
  if (rows.some((r) => r.width !== undefined)) cols['m* (width)'] = rows.map((r) => r.width);
  if (rows.some((r) => r.depth !== undefined)) cols['l* (depth)'] = rows.map((r) => r.depth);
  cols['D*/N*'] = rows.map((r) => r.tokensPerParam);
  cols['L* (nats)'] = rows.map((r) => r.loss);
  return htmlTable(cols, { maxRows, caption: `Frontier · ${cellText(f.tokensPerParam)} tokens per parameter${f.aspectRatio ? ` · m*/l* = ${cellText(f.aspectRatio)}` : ''}` });
}

export function recipesTable(r: RecipesLike, maxRows: number): string {
  const names = Object.keys(r.recipes);
  const coef = (n: string, k: 'L0' | 'width' | 'depth' | 'time') => r.recipes[n].fit?.coefficients?.[k];
  const cols: Record<string, Column> = { recipe: names, runs: names.map((n) => r.recipes[n].n) };
  if (names.some((n) => r.recipes[n].fit?.coefficients)) {
    cols.L0 = names.map((n) => coef(n, 'L0')); cols.c_m = names.map((n) => coef(n, 'width'));
    cols.c_l = names.map((n) => coef(n, 'depth')); cols.c_D = names.map((n) => coef(n, 'time'));
  }
  cols['D*/N*'] = names.map((n) => r.recipes[n].frontier?.tokensPerParam);
  let html = htmlTable(cols, { caption: 'Recipes (shared exponents)', maxRows: 50 });
  if (r.best?.length) {
    html += htmlTable({ 'C (FLOPs)': r.best.map((b) => b.flops), best: r.best.map((b) => b.recipe), 'L* (nats)': r.best.map((b) => b.loss) },
      { caption: 'Best recipe per budget', maxRows });
  }
  return html;
}

export function toyTable(t: ToyLike): string {
  const e = t.exponent;
  const cols: Record<string, Column> = {
    toy: [t.name], exponent: [e?.value], stderr: [e?.stderr], 'CI 95%': [e?.ci ? `[${cellText(e.ci[0])}, ${cellText(e.ci[1])}]` : ''],
    paper: [e?.expected], 'fit range': [e?.range ? `${cellText(e.range[0])} – ${cellText(e.range[1])}` : ''], backend: [t.backend], seconds: [t.seconds],
  };
  const notes = (t.notes ?? []).length ? `<ul style="font-size:12px;margin:4px 0">${t.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return htmlTable(cols) + notes;
}

/** One row of checkAgainstPaper's result, as the table reads it. */
/** The paper check's table: ours and the paper's with their errors, the rule applied and how far off. */
export function paperCheckTable(rows: PaperCheckRow[]): string {
  const withSe = (x: number, se?: number) => (se !== undefined ? `${cellText(x)} ± ${cellText(se)}` : cellText(x));
  const cols: Record<string, Column> = {
    '': rows.map((r) => (r.passed ? '✓' : '✗')), quantity: rows.map((r) => r.quantity),
    ours: rows.map((r) => withSe(r.ours, r.oursStderr)),
    paper: rows.map((r) => withSe(r.paper, r.paperStderr)),
    rule: rows.map((r) => r.rule),
    'off by': rows.map((r) => (r.sigmas !== undefined ? `${cellText(r.sigmas)}σ` : '')),
    source: rows.map((r) => r.source),
  };
  return htmlTable(cols, { caption: "Our numbers against the papers'", maxRows: 100 });
}

/** Frontiers compared: one row per budget and fit, with the intervals, then the ratios to the reference. */
export function frontierComparisonTable(c: FrontierComparison): string {
  const band = (b: [number, number] | null | undefined) => (b ? `${cellText(b[0])} to ${cellText(b[1])}` : '');
  const rows = c.rows;
  let html = htmlTable({
    'C (FLOPs)': rows.map((r) => r.flops), fit: rows.map((r) => r.fit), 'N*': rows.map((r) => r.params), 'N* interval': rows.map((r) => band(r.bands.params)),
    'D*': rows.map((r) => r.tokens), 'D*/N*': rows.map((r) => r.tokensPerParam), 'D*/N* interval': rows.map((r) => band(r.bands.tokensPerParam)), 'L* (nats)': rows.map((r) => r.loss),
  }, { caption: `Frontiers compared (${intervalLabel(c.level)} intervals from each fit's bootstrap)`, maxRows: 60 });
  html += htmlTable({
    'C (FLOPs)': c.ratios.map((q) => q.flops), ratio: c.ratios.map((q) => `${q.quantity}: ${q.fit} / ${q.reference}`), value: c.ratios.map((q) => q.ratio),
    interval: c.ratios.map((q) => band(q.interval)), verdict: c.ratios.map((q) => q.verdict),
  }, { caption: c.paired ? 'Ratios with paired intervals (the fits resampled the same runs)' : 'Ratios (unpaired draws)', maxRows: 60 });
  return html;
}
