import type { ToyContext } from './context';
import type { ToyCore, ToySpec } from './core';
import { SoftmaxTeacherStudent } from './softmax-time-model';
import { SoftmaxTimeExtra, SoftmaxTimeCurves, timeExponent } from './softmax-time-fit';
import { SoftmaxTimeOptions, resolveSoftmaxTime, softmaxTimeDefaults, softmaxTimeMemory } from './softmax-time-options';

export type { SoftmaxTimeOptions, SoftmaxTimeOptimizer, SoftmaxTimeHead } from './softmax-time-options';
export type { SoftmaxTimeExtra, FittedSlope } from './softmax-time-fit';
export { softmaxTimeDefaults };

/**
 * A constant learning rate. Each step's loss is measured on the fresh batch before the update, so it
 * is a test loss of the model after `step` updates, at tau = lr x step; so is the logit scale.
 */
async function trainSoftmaxTime(o: SoftmaxTimeOptions, ctx: ToyContext): Promise<ToyCore<SoftmaxTimeExtra>> {
  const model = new SoftmaxTeacherStudent(o, ctx);
  const curves: SoftmaxTimeCurves = { step: [], tau: [], loss: [], beta: [], logitStd: [] };
  const log = (step: number, loss: number) => {
    const s = model.scale();
    curves.step.push(step);
    curves.tau.push(step * o.lr);
    curves.loss.push(loss);
    curves.beta.push(s.beta);
    curves.logitStd.push(s.logitStd);
  };
  const trained = ctx.stepsToTrain(o.steps);
  for (let step = 0; step < trained; step++) {
    await ctx.tick();
    const loss = model.loss(true);
    if (step % o.logEvery === 0) log(step, loss);
    ctx.report(step, loss);
    model.update(o.lr);
  }
  // stopped early (stopAfter): the curves are the run's own logged points, with no final evaluation
  if (trained < o.steps) return timeExponent(o, curves, curves.loss[curves.loss.length - 1] ?? NaN);
  const finalLoss = model.loss(false);
  log(o.steps, finalLoss);
  ctx.report(o.steps, finalLoss);
  return timeExponent(o, curves, finalLoss);
}

export const softmaxTimeToy: ToySpec<SoftmaxTimeOptions, SoftmaxTimeExtra> = {
  stopsAfter: true,
  optionNames: Object.keys(softmaxTimeDefaults),
  resolve: resolveSoftmaxTime,
  totalSteps: (o) => o.steps,
  memory: softmaxTimeMemory,
  halfBudget: 'the log-log slope over the logged points in the last half of the fitted range (tau from its middle to its end), against the slope over the whole range',
  train: trainSoftmaxTime,
  paper: 'L ~ tau^(-1/3) (Liu et al., one-third time scaling; toy 0.337 +/- 0.002)',
};
