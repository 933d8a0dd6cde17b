import type { Columns } from '../data/frame';
import { fmt } from '../util/format';
import type { RecipeComparison } from './types';

/** Recipes listed per budget in the summary (the closest competitors first). */
const MAX_LISTED = 5;

/** Column label of a budget, e.g. 'loss@1e+21'. */
export function budgetLabel(flops: number): string {
  return `loss@${Number(flops.toPrecision(3)).toExponential()}`;
}

/**
 * One row per recipe: n, each fitted parameter with its CI, tokensPerParam and aspectRatio (with their
 * bootstrap intervals when there are any), and the frontier loss at each budget (with bands).
 */
export function recipeColumns(r: RecipeComparison): Columns {
  const names = Object.keys(r.recipes);
  const cols: Columns = { recipe: names, n: names.map((n) => r.recipes[n].n) };
  const first = r.recipes[names[0]];
  const push = (key: string, values: number[]) => { cols[key] = values; };
  const hasCI = (get: (name: string) => [number, number] | null | undefined) => names.every((n) => !!get(n));
  for (const p of Object.keys(first.fit.params)) {
    if (first.fit.params[p].fixed) continue;
    push(p, names.map((n) => r.recipes[n].fit.params[p]?.value ?? NaN));
    const ci = (n: string) => r.recipes[n].fit.params[p]?.ci;
    if (hasCI(ci)) {
      push(`${p}_lo`, names.map((n) => ci(n)![0]));
      push(`${p}_hi`, names.map((n) => ci(n)![1]));
    }
  }
  const scalar = (key: 'tokensPerParam' | 'aspectRatio') => {
    if (names.some((n) => r.recipes[n].frontier[key] === undefined)) return;
    push(key, names.map((n) => r.recipes[n].frontier[key] as number));
    const iv = (n: string) => r.recipes[n].frontier.intervals?.[key];
    if (hasCI(iv)) {
      push(`${key}_lo`, names.map((n) => iv(n)![0]));
      push(`${key}_hi`, names.map((n) => iv(n)![1]));
    }
  };
  scalar('tokensPerParam');
  scalar('aspectRatio');
  r.budgets.forEach((c, i) => {
    const label = budgetLabel(c);
    push(label, names.map((n) => r.recipes[n].frontier.rows[i].loss));
    if (names.every((n) => r.recipes[n].frontier.bands)) {
      push(`${label}_lo`, names.map((n) => r.recipes[n].frontier.bands!.loss[i][0]));
      push(`${label}_hi`, names.map((n) => r.recipes[n].frontier.bands!.loss[i][1]));
    }
  });
  return cols;
}

export function recipeSummary(r: RecipeComparison): string {
  const names = Object.keys(r.recipes);
  const lines: string[] = [];
  lines.push(`Recipe comparison: ${names.length} recipes${r.recipeColumn ? ` (column '${r.recipeColumn}')` : ''}, ${r.exponents === 'shared' ? 'shared universal exponents' : 'exponents fitted per recipe'}`);
  lines.push(`  law: ${r.law}`);
  const first = r.recipes[names[0]].fit;
  const free = Object.keys(first.params).filter((p) => !first.params[p].fixed);
  lines.push(`  ${['recipe', 'n', ...free, 'D*/N*', ...(r.recipes[names[0]].frontier.aspectRatio !== undefined ? ['m*/l*'] : []), ...r.budgets.map((c) => `L*(${fmt(c, 3)})`)].join(' | ')}`);
  for (const n of names) {
    const { fit, frontier } = r.recipes[n];
    const cells = [n, String(fit.n), ...free.map((p) => {
      const est = fit.params[p];
      return est.ci ? `${fmt(est.value)} [${fmt(est.ci[0], 3)}, ${fmt(est.ci[1], 3)}]` : fmt(est.value);
    }), fmt(frontier.tokensPerParam), ...(frontier.aspectRatio !== undefined ? [fmt(frontier.aspectRatio)] : []), ...frontier.rows.map((row) => fmt(row.loss))];
    lines.push(`  ${cells.join(' | ')}`);
  }
  lines.push('  Best recipe per budget (compute the others need to reach its frontier loss):');
  r.best.forEach(({ flops, recipe, loss }) => {
    // The compute each other recipe needs for the winner's loss, relative to C: 1 / multiplier(n, winner, C).
    const others = names.filter((n) => n !== recipe).map((n) => ({ n, c: r.compute(n, recipe, flops) }))
      .sort((x, y) => y.c.multiplier - x.c.multiplier);
    const shown = others.slice(0, MAX_LISTED).map(({ n, c }) => (c.reached ? `${n} ${fmt(1 / c.multiplier, 3)}x` : `${n} never (its loss floor ${fmt(r.recipes[n].frontier.floor)} is above)`));
    const more = others.length > MAX_LISTED ? `, and ${others.length - MAX_LISTED} more` : '';
    lines.push(`    ${fmt(flops, 3)} FLOPs: ${recipe} (L* = ${fmt(loss)}); ${others.length > MAX_LISTED ? 'closest: ' : ''}${shown.join(', ')}${more}`);
  });
  if (r.exponentTest) lines.push(`  Exponents: ${r.exponentTest.verdict}`);
  if (r.sameTraining.length || r.accountingColumns.length) {
    lines.push(`  Note: settings that only change how FLOPs or parameters are counted (or which loss is reported${r.accountingColumns.length ? `: ${r.accountingColumns.join(', ')}` : ''}) are not different training recipes; their coefficients differ because N, C or L are measured differently, not because training changed.`);
    for (const { recipes: [a, b], differsIn } of r.sameTraining) lines.push(`    '${a}' and '${b}' are the same training recipe (they differ only in ${differsIn.join(', ')}).`);
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
