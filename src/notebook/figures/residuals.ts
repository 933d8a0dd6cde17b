/** The residual chart of a fit. */
import type { PlotlyFigure } from '../plotlyFigure';
import type { FitLike } from '../shapes';
import { compactNumber } from '../table';
import { CONFIG, axis, baseLayout, finite, variableLabel, type Trace } from './axes';
import { lawAtRuns, mainVariable } from './fit';
import { GUIDE_LINE, MUTED, PALETTE, REFERENCE_LINE } from './palette';

/** Log residuals ln(L / L_fit) against the main variable, with the ±RMS band and excluded points. */
export function residualsFigure(fit: FitLike, options: { x?: string } = {}): PlotlyFigure {
  const vars = fit.data.variables;
  const names = Object.keys(vars);
  const x = options.x ?? mainVariable(fit);
  const loss = fit.data.loss;
  const included = fit.data.included ?? loss.map(() => true);
  const pred = lawAtRuns(fit);
  const res = loss.map((l, i) => Math.log(l / pred[i]));
  const inc = res.map((_, i) => i).filter((i) => included[i]);
  const exc = res.map((_, i) => i).filter((i) => !included[i]);
  const text = (i: number) => names.map((v) => `${v}=${compactNumber(vars[v][i])}`).join(', ') + `, loss=${compactNumber(loss[i])}, fit=${compactNumber(pred[i])}`;
  const rms = fit.residuals?.rmsLog ?? Math.sqrt(inc.reduce((s, i) => s + res[i] ** 2, 0) / Math.max(1, inc.length));
  const xs = vars[x];
  const xr = finite(xs);
  const x0 = Math.min(...xr), x1 = Math.max(...xr);
  const traces: Trace[] = [
    { type: 'scatter', mode: 'markers', name: 'included', x: inc.map((i) => xs[i]), y: inc.map((i) => res[i]), text: inc.map(text), marker: { color: PALETTE[0], size: 7 } },
  ];
  if (exc.length) traces.push({ type: 'scatter', mode: 'markers', name: 'excluded', x: exc.map((i) => xs[i]), y: exc.map((i) => res[i]), text: exc.map(text), marker: { color: MUTED, size: 7, symbol: 'x-open' } });
  traces.push({ type: 'scatter', mode: 'lines', name: 'perfect fit (0)', x: [x0, x1], y: [0, 0], line: REFERENCE_LINE });
  traces.push({ type: 'scatter', mode: 'lines', name: `±RMS ${compactNumber(rms)}`, x: [x0, x1, null, x0, x1], y: [rms, rms, null, -rms, -rms], line: GUIDE_LINE });
  return {
    data: traces,
    layout: baseLayout(`Residuals of L = ${fit.law}`, {
      xaxis: axis(variableLabel(x, fit.roles?.[x]), xs),
      yaxis: { title: { text: 'log residual ln(L / L_fit) (≈ relative error)' }, zeroline: false },
    }),
    config: CONFIG,
  };
}
