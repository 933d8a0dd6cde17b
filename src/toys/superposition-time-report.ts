/**
 * The result of the `superposition-time` toy from its trained widths: per-width exponents, coefficients
 * and times to a target loss, the speed-up of the bottleneck, the closed forms, and the notes
 * (docs/toys.md#superposition-time).
 */
import type { CurveColumns, ToyCore, ToyExponent } from './core';
import { BinnedCurve, WidthFit, fitWidth, timeToLoss } from './superposition-time-curves';
import { linearExponent, linearFloor, linearLossSlope, sequentialExponent, zeroStudentLoss } from './superposition-time-theory';
import type { SuperpositionTimeOptions } from './superposition-time-options';
import { fmt } from '../util/format';

/** One trained width, as the training loop hands it over. */
export interface WidthRun {
  width: number;
  binned: BinnedCurve;
  initialLoss: number;
  finalLoss: number;
}

/** One width of the result. */
export interface SuperpositionTimeRun {
  width: number;
  /** 'bottleneck' when width < channels (more teacher channels than student units). */
  regime: 'bottleneck' | 'no bottleneck';
  /** Minus the log-log slope of the test loss against tau over the fit range; expected: 1 with a bottleneck (the paper), the linear theory without. */
  exponent: ToyExponent;
  /** c of loss ~ c tau^-exponent over the fit range. */
  coefficient: number;
  /** R^2 of the log-log fit. */
  r2: number;
  /** Test loss before training (the zero student's) and after the last step. */
  initialLoss: number;
  finalLoss: number;
  /** The linear variant's lowest reachable loss at this width (null without a bottleneck or for ReLU). */
  floor: number | null;
  /** tau from which the binned loss stays at or below the target loss (null if the run ends above it). */
  timeToTarget: number | null;
}

/** What the superposition-time result adds to the common fields. */
export interface SuperpositionTimeExtra {
  runs: SuperpositionTimeRun[];
  /** The target of timeToTarget: `target` times the zero student's loss. */
  targetLoss: number;
  /** timeToTarget of the widest width without a bottleneck over that of the first bottleneck width (null if either is missing or never reaches the target). */
  speedup: number | null;
  /** Closed forms at these a, b (docs/toys.md#superposition-time). */
  theory: {
    /** Linear student, no bottleneck, gradient flow, continuum: (a + 2b - 1)/a. */
    linearExponent: number;
    /** The same closed form's slope over this run's fit range and channels (finite-size). */
    linearWindowExponent: number;
    /** Small-initialisation two-layer student learning modes one by one: (a + 2b - 1)/(a + b). */
    sequentialExponent: number;
    /** E|y|^2, the loss of the zero student. */
    zeroStudentLoss: number;
  };
}

function measureRun(o: SuperpositionTimeOptions, run: WidthRun, range: [number, number], expectedFree: number, targetLoss: number): SuperpositionTimeRun & { fit: WidthFit; half: WidthFit } {
  const bottleneck = run.width < o.channels;
  const expected = bottleneck ? 1 : expectedFree;
  const fit = fitWidth(run.binned, range[0], range[1], expected);
  return {
    // the same fit range over the first half of the steps: what a run of half the budget measures (constant lr)
    half: fitWidth(run.binned, range[0] / 2, range[1] / 2, expected),
    width: run.width,
    regime: bottleneck ? 'bottleneck' : 'no bottleneck',
    exponent: fit.exponent,
    coefficient: fit.coefficient,
    r2: fit.r2,
    initialLoss: run.initialLoss,
    finalLoss: run.finalLoss,
    floor: bottleneck && o.variant === 'linear' ? linearFloor(run.width, o) : null,
    timeToTarget: timeToLoss(run.binned, targetLoss),
    fit,
  };
}

function speedupOf(runs: SuperpositionTimeRun[]): number | null {
  const narrow = runs.find((r) => r.regime === 'bottleneck');
  const free = runs.filter((r) => r.regime === 'no bottleneck').sort((p, q) => q.width - p.width)[0];
  if (!narrow || !free || narrow.timeToTarget === null || free.timeToTarget === null || !(narrow.timeToTarget > 0)) return null;
  return free.timeToTarget / narrow.timeToTarget;
}

function runNote(r: SuperpositionTimeRun, targetLoss: number): string {
  const e = r.exponent;
  const reach = r.timeToTarget === null ? `ends above the target loss ${fmt(targetLoss, 3)}` : `below ${fmt(targetLoss, 3)} from tau = ${fmt(r.timeToTarget, 3)}`;
  const floor = r.floor === null ? '' : `; a linear student of this width cannot go below ${fmt(r.floor, 3)} (it keeps the top ${r.width} modes)`;
  return `m = ${r.width} (${r.regime}): exponent ${e.value.toFixed(3)} +/- ${e.stderr.toFixed(3)} (R^2 ${r.r2.toFixed(3)}), loss ${fmt(r.initialLoss, 3)} -> ${fmt(r.finalLoss, 3)}, ${reach}${floor}`;
}

function theoryNotes(o: SuperpositionTimeOptions, t: SuperpositionTimeExtra['theory'], range: [number, number]): string[] {
  const notes: string[] = [];
  if (!Number.isFinite(t.linearExponent)) {
    notes.push(`a + 2b = ${fmt(o.a + 2 * o.b, 3)} <= 1: the loss is carried by the last channels and the theory gives no power law in tau (it needs a + 2b > 1)`);
    return notes;
  }
  notes.push(`linear theory without a bottleneck (gradient flow, first layer of gain g = ${o.init}): (a + 2b - 1)/a = ${t.linearExponent.toFixed(3)} in the continuum; ${t.linearWindowExponent.toFixed(3)} for ${o.channels} channels over this fit range`
    + `; a small-initialisation student learning modes one by one would give (a + 2b - 1)/(a + b) = ${t.sequentialExponent.toFixed(3)}`);
  const cutoff = Math.pow(o.channels, o.a) / (4 * o.init * o.init);
  if (range[1] > cutoff / 10) notes.push(`the fit range reaches tau = ${fmt(range[1], 3)}, near the finite-size cutoff channels^a / (4 g^2) = ${fmt(cutoff, 3)} where every mode is learned and the decay turns exponential: raise channels or shorten the run`);
  if (o.variant === 'relu') notes.push('ReLU variant: the theory is the linear one, a reference only (y = w (x + |x|)/2 adds a part no linear map learns)');
  if (o.variant === 'superposition') notes.push('superposition variant: the theory is the linear one, a reference only (E x_i^2 is proportional to i^-a here too, but the output ReLU and bias filter interference, which no linear map does)');
  if (o.optimizer === 'adam') notes.push('Adam rescales each coordinate, so the gradient-flow theory (rates proportional to lambda_i) does not apply');
  return notes;
}

/** The ToyCore of a run: the first bottleneck width is the headline exponent (the paper's claim), else the first width. */
export function superpositionTimeResult(o: SuperpositionTimeOptions, curves: CurveColumns, trained: WidthRun[], range: [number, number]): ToyCore<SuperpositionTimeExtra> {
  const zero = zeroStudentLoss(o);
  const targetLoss = o.target * zero;
  const free = linearExponent(o.a, o.b);
  const measured = trained.map((run) => measureRun(o, run, range, free, targetLoss));
  const runs: SuperpositionTimeRun[] = measured.map(({ fit: _fit, half: _half, ...r }) => r);
  const head = measured.find((r) => r.regime === 'bottleneck') ?? measured[0];
  const windowTau = head.fit.tau.length >= 2 ? head.fit.tau : [range[0], range[1]];
  const theory = {
    linearExponent: free,
    linearWindowExponent: linearLossSlope(windowTau, o).value,
    sequentialExponent: sequentialExponent(o.a, o.b),
    zeroStudentLoss: zero,
  };
  const speedup = speedupOf(runs);
  const notes = runs.map((r) => runNote(r, targetLoss));
  if (head.fit.tau.length < 3) notes.push(`only ${head.fit.tau.length} logged points fall in tau in [${fmt(range[0], 3)}, ${fmt(range[1], 3)}]: widen fitRange or raise logPoints`);
  notes.push(speedup === null
    ? 'speed-up: needs one width below channels and one at or above it that both reach the target loss'
    : `speed-up at loss ${fmt(targetLoss, 3)}: the bottleneck gets there ${speedup.toFixed(2)}x as fast as the widest student without one (${speedup > 1 ? 'faster' : 'slower'}; the paper: up to 10x faster)`);
  notes.push(...theoryNotes(o, theory, range));
  notes.push('each point is the mean test loss of a window of steps (fresh batches); successive windows are correlated, so read the standard errors as lower bounds');
  const headRun = runs[measured.indexOf(head)];
  return {
    curves,
    points: { x: head.fit.tau, loss: head.fit.loss, xLabel: 'tau' },
    exponent: head.exponent,
    ...(head.half.tau.length >= 3 ? { halfBudget: { value: head.half.exponent.value, stderr: head.half.exponent.stderr } } : {}),
    notes,
    measures: {
      timeToTarget: headRun.timeToTarget, finalLoss: headRun.finalLoss, windowExponent: theory.linearWindowExponent,
      ...(runs.some((r) => r.regime === 'bottleneck') && runs.some((r) => r.regime === 'no bottleneck') ? { speedup } : {}),
    },
    extra: { runs, targetLoss, speedup, theory },
  };
}
