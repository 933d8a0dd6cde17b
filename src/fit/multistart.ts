import { lmSolve, objectiveFunction, LMWorkspace, type LMProblem, type LMResult } from './lm';
import type { CoefficientProjector } from './linearCoefficients';
import { checkAborted } from './settings';

/**
 * Levenberg-Marquardt from every start point; the lowest objective wins. Two accelerations for grids:
 * - variable projection (linearCoefficients.ts): each start first sets the linear coefficients to their
 *   best values for its other parameters, kept only when that lowers the objective; LM is deterministic,
 *   so a start at the very point (bitwise) of an earlier one would repeat that run: it is counted, not re-run;
 * - basins (as in MLSL, Rinnooy Kan and Timmer 1987): a run that comes within a tight box of a converged
 *   minimum already found, with an objective within BASIN_OBJECTIVE_RTOL of it, is in that basin and is
 *   stopped.
 * Only runs that converge on their own can be the reported best: a run that did not converge may sit
 * lower only because the law is evaluated to rounding at the edge of the parameter space (a saturation
 * scale of 1e16), so it is reported as `lowerUnconverged`, for a warning, not as the fit.
 */

/** A run joins a known minimum's basin when its objective is within this fraction of the minimum's... */
const BASIN_OBJECTIVE_RTOL = 1e-5;
/** ...and every parameter within this fraction (at least this absolute distance) of the minimum's. */
const BASIN_BOX = 1e-3;

export interface MultistartOptions {
  /** Huber delta; Infinity for least squares. */
  delta: number;
  /** Iteration cap per start. */
  maxIter: number;
  /** Largest change of each parameter per step (see LMOptions.maxStep). */
  maxStep?: Float64Array;
  /** Stop runs that enter a known minimum's basin (default true). */
  basins?: boolean;
  /** Projects each start's linear coefficients first (null: starts are used as given). */
  projector?: CoefficientProjector | null;
  /** Called after each start with the best objective so far. */
  report?: (done: number, best?: number) => void;
  /** Checked before each start: when aborted, the grid stops with the 'aborted' error of `fn`. */
  signal?: AbortSignal;
  fn?: string;
}

/** One run of the multi-start: its end point, result and start index. */
export interface Run { theta: Float64Array; res: LMResult; start: number }

export interface MultistartResult {
  /**
   * The best run: the lowest objective among the runs that converged, or when none did, among all;
   * null when no start gave a finite objective.
   */
  best: Run | null;
  /** The lowest run that did not converge, when it is below `best` (a run off to the edge, or rounding). */
  lowerUnconverged: Run | null;
  /** Starts where the law was not positive and finite. */
  invalid: number;
  /** Runs stopped on entering a known minimum's basin. */
  joined: number;
  /** Starts moved to their projected coefficients, and how many of those repeated an earlier start. */
  projected: number;
  repeats: number;
  /** The solver's buffers, for refits (the bootstrap). */
  workspace: LMWorkspace;
}

export function multistart(prob: LMProblem, starts: Float64Array[], options: MultistartOptions): MultistartResult {
  const { n, p } = prob;
  const { delta, maxIter, maxStep, projector = null, report } = options;
  const workspace = new LMWorkspace(n, p);
  const theta = new Float64Array(p);
  const minima: Array<{ theta: Float64Array; obj: number }> = [];
  const joined = options.basins === false ? null : (th: Float64Array, obj: number) => inBasin(minima, th, obj);
  const project = projector ? projection(prob, projector, delta, workspace) : null;
  const seen = new Set<string>();
  const out: MultistartResult = { best: null, lowerUnconverged: null, invalid: 0, joined: 0, projected: 0, repeats: 0, workspace };
  let unconverged: Run | null = null;
  for (let s = 0; s < starts.length; s++) {
    checkAborted(options.signal, options.fn ?? 'fit', `start grid (start ${s + 1} of ${starts.length})`);
    theta.set(starts[s]);
    if (project && project(theta)) out.projected++;
    const key = theta.join(',');
    if (seen.has(key)) { out.repeats++; report?.(s + 1, out.best?.res.objective); continue; }
    seen.add(key);
    const res = lmSolve(prob, theta, { delta, maxIter, maxStep, joined: joined && minima.length ? joined : undefined }, workspace);
    if (res.reason === 'invalid-start') out.invalid++;
    else if (res.reason === 'joined') out.joined++;
    else {
      if (joined && res.converged && !joined(theta, res.objective)) minima.push({ theta: Float64Array.from(theta), obj: res.objective });
      const run = { theta: Float64Array.from(theta), res, start: s };
      if (res.converged) { if (!out.best || res.objective < out.best.res.objective) out.best = run; }
      else if (!unconverged || res.objective < unconverged.res.objective) unconverged = run;
    }
    report?.(s + 1, out.best?.res.objective ?? unconverged?.res.objective);
  }
  // Only a converged run can be the best; when none converged, the lowest run is reported as not converged.
  if (!out.best) out.best = unconverged;
  else if (unconverged && unconverged.res.objective < out.best.res.objective) out.lowerUnconverged = unconverged;
  return out;
}

function inBasin(minima: Array<{ theta: Float64Array; obj: number }>, th: Float64Array, obj: number): boolean {
  for (const m of minima) {
    if (obj > m.obj * (1 + BASIN_OBJECTIVE_RTOL) + 1e-300) continue;
    let close = true;
    for (let j = 0; j < th.length; j++) if (Math.abs(th[j] - m.theta[j]) > BASIN_BOX * Math.max(1, Math.abs(m.theta[j]))) { close = false; break; }
    if (close) return true;
  }
  return false;
}

/**
 * Moves theta to its projected coefficients when that lowers the objective; returns whether it did.
 * The projection depends only on the nonlinear parameters, so it is computed once per distinct set of them.
 */
function projection(prob: LMProblem, projector: CoefficientProjector, delta: number, ws: LMWorkspace): (theta: Float64Array) => boolean {
  const p = prob.p;
  const objective = objectiveFunction(prob, ws);
  const objectiveAt = (th: Float64Array) => objective(th, prob.weights ?? null, delta);
  const cache = new Map<string, { theta: Float64Array; obj: number } | null>();
  const nonlinear = Array.from({ length: p }, (_, j) => j).filter((j) => !projector.linear.includes(j));
  return (theta) => {
    const key = nonlinear.map((j) => theta[j]).join(',');
    let pr = cache.get(key);
    if (pr === undefined) {
      const out = new Float64Array(p);
      pr = projector.project(theta, out) ? { theta: out, obj: objectiveAt(out) } : null;
      cache.set(key, pr);
    }
    if (!pr || !(pr.obj < objectiveAt(theta))) return false;
    theta.set(pr.theta);
    return true;
  };
}

/** The starts line of a fit's summary, e.g. '4500 starts (hoffmann), best #12; ...'. */
export function describeStarts(r: MultistartResult, count: number, label: string, linearNames: string[]): string {
  const best = r.best ? r.best.start : -1;
  return `${count} start${count > 1 ? 's' : ''} (${label}), best #${best}`
    + (r.projected ? `; ${r.projected} started from projected coefficients (${linearNames.join(', ')}), ${r.repeats} of them the same point as an earlier start (run once)` : '')
    + (r.joined ? `; ${r.joined} runs stopped on entering a known minimum's basin` : '');
}
