/**
 * The `superposition-time` toy: a teacher-student trained online at several student widths, below the
 * teacher's channels (a bottleneck) and at or above them, to compare training-time exponents and the
 * time to a given loss (docs/toys.md#superposition-time).
 */
import { signalOf } from '../interrupt';
import { makeTick, type ToyContext } from './context';
import type { CurveColumns, ToyCore, ToySpec } from './core';
import { binLosses } from './superposition-time-curves';
import { TimeTeacherStudent } from './superposition-time-model';
import { SuperpositionTimeOptions, resolveSuperpositionTime, superpositionTimeMemory } from './superposition-time-options';
import { SuperpositionTimeExtra, superpositionTimeResult, type WidthRun } from './superposition-time-report';

export type { SuperpositionTimeOptions } from './superposition-time-options';
export type { SuperpositionTimeExtra, SuperpositionTimeRun } from './superposition-time-report';

/** Trains one width; returns its per-step test losses (losses[s] after s updates, on a fresh batch). */
async function trainWidth(o: SuperpositionTimeOptions, m: number, ctx: ToyContext, tick: () => Promise<void>, done: number): Promise<Float64Array> {
  const model = new TimeTeacherStudent({ ...o, width: m }, ctx);
  const losses = new Float64Array(o.steps + 1);
  for (let s = 0; s <= o.steps; s++) {
    await tick();
    model.drawBatch();
    const last = s === o.steps;
    losses[s] = model.loss(!last);
    if (!last) model.update(o.lr);
    ctx.report(done + s, losses[s], `superposition-time m=${m}`);
  }
  return losses;
}

async function trainSuperpositionTime(o: SuperpositionTimeOptions, ctx: ToyContext): Promise<ToyCore<SuperpositionTimeExtra>> {
  // the ambient signal when the caller gave none (a kernel interrupt stops the run)
  const signal = signalOf(ctx.signal);
  const tick = signal === ctx.signal ? ctx.tick : makeTick(signal);
  const curves: CurveColumns<'width' | 'step' | 'tau' | 'loss'> = { width: [], step: [], tau: [], loss: [] };
  const runs: WidthRun[] = [];
  const tauEnd = o.lr * o.steps;
  for (const [k, m] of o.widths.entries()) {
    const losses = await trainWidth(o, m, ctx, tick, k * (o.steps + 1));
    const binned = binLosses(losses, o.lr, o.logPoints);
    binned.step.forEach((s, j) => {
      curves.width.push(m);
      curves.step.push(s);
      curves.tau.push(binned.tau[j]);
      curves.loss.push(binned.loss[j]);
    });
    runs.push({ width: m, binned, finalLoss: losses[o.steps], initialLoss: losses[0] });
  }
  ctx.report(o.widths.length * (o.steps + 1));
  return superpositionTimeResult(o, curves, runs, [o.fitRange[0] * tauEnd, o.fitRange[1] * tauEnd]);
}

/** The spec runToy sees; `memory` is the estimate resolve checks against maxMemoryMB before any allocation. */
export const superpositionTimeToy: ToySpec<SuperpositionTimeOptions, SuperpositionTimeExtra> & { memory(o: SuperpositionTimeOptions): Record<string, number> } = {
  optionNames: ['variant', 'a', 'b', 'channels', 'widths', 'optimizer', 'steps', 'batch', 'lr', 'init', 'density', 'logPoints', 'fitRange', 'target', 'maxMemoryMB'],
  resolve: resolveSuperpositionTime,
  totalSteps: (o) => o.widths.length * (o.steps + 1),
  memory: superpositionTimeMemory,
  halfBudget: 'the log-log slope of the headline width\'s binned loss over the fit range halved (what a run of half the steps measures: the rate is constant), against the slope over the whole range',
  train: trainSuperpositionTime,
  paper: 'without a bottleneck the time exponent depends on the input spectrum and channel importances; with a superposition bottleneck it is about 1, and a given loss is reached up to 10x faster (Chen, Chen, Liu, Gore 2026, arXiv 2602.01045; abstract only)',
};
