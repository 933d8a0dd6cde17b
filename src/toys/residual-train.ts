import { Adam } from './adam';
import type { ToyContext } from './context';
import { rmsMse, testLoss } from './residual-data';
import type { Layer, ResidualNet } from './residual-net';
import { ResidualStack } from './residual-stack';
import { rmsNormRows } from './rms';
import type { Rng } from '../util/random';

/** Teacher inputs and targets, [count, dim] each. */
export interface Pairs {
  x: Float32Array;
  y: Float32Array;
}

/** What the training loop needs of the residual-depth options (documented there). */
export type StudentTraining = Record<'dim' | 'hidden' | 'batch' | 'steps' | 'lr' | 'lrDepthPower' | 'lrDecayStart' | 'lrDecayTo' | 'logEvery' | 'testSize', number>
  & { logTest: boolean };

/**
 * A student's logged curve: the mean training loss of each logEvery steps, at the step and tau (summed
 * lr) it ends, and with logTest the held-out test loss there.
 */
export interface StudentCurve {
  step: number[];
  tau: number[];
  loss: number[];
  test: number[];
}

/** Fills x and y [B, d] with one step's teacher pairs. */
export type BatchSource = (x: Float32Array, y: Float32Array) => void;

/** B pairs drawn with replacement from a fixed pool of `count` pairs. */
export function poolBatches(pool: Pairs, count: number, rng: Rng, B: number, d: number): BatchSource {
  return (x, y) => {
    for (let b = 0; b < B; b++) {
      const idx = rng.int(count);
      x.set(pool.x.subarray(idx * d, idx * d + d), b * d);
      y.set(pool.y.subarray(idx * d, idx * d + d), b * d);
    }
  };
}

/**
 * B fresh pairs every step (the paper's code: no pool, so no pair is seen twice): x ~ N(0, I)
 * rms-normalised and y = rms(teacher(x)), the same arithmetic as the pool's pairs (teacherPairs).
 */
export function onlineBatches(teacher: ResidualNet, rng: Rng, B: number, d: number, engine: ToyContext['engine']): BatchSource {
  const stack = new ResidualStack([teacher], B, engine, false);
  return (x, y) => {
    rng.fillNormal(x);
    rmsNormRows(x, B, d);
    y.set(x);
    stack.forward([y]);
    rmsNormRows(y, B, d);
  };
}

function clearGradients(grads: Layer[][]): void {
  for (const gl of grads) {
    for (const G of gl) {
      G.F.fill(0);
      G.c.fill(0);
      G.P.fill(0);
    }
  }
}

/** The learning-rate factor at a step: 1, then linear to lrDecayTo from lrDecayStart x steps. */
function decayFactor(o: StudentTraining, step: number): number {
  const decayFrom = Math.floor(o.steps * o.lrDecayStart);
  return step < decayFrom ? 1 : 1 - ((1 - o.lrDecayTo) * (step - decayFrom)) / Math.max(1, o.steps - decayFrom);
}

/** One Adam step of every student at its own rate (lr0[i] x the schedule's factor). */
function adamSteps(students: ResidualNet[], grads: Layer[][], opt: Array<Array<Record<'F' | 'c' | 'P', Adam>>>, lr: number[]): void {
  students.forEach((st, i) => {
    for (let k = 0; k < st.layers.length; k++) {
      opt[i][k].F.step(st.layers[k].F, grads[i][k].F, lr[i]);
      opt[i][k].c.step(st.layers[k].c, grads[i][k].c, lr[i]);
      opt[i][k].P.step(st.layers[k].P, grads[i][k].P, lr[i]);
    }
  });
}

/**
 * Trains the students (ascending depth) in lockstep on the same batches, each with Adam at
 * lr / l^lrDepthPower, constant then decaying linearly to lrDecayTo from lrDecayStart x steps.
 * `report(step, loss)` after every step (progress).
 */
export async function trainStudents(o: StudentTraining, students: ResidualNet[], nextBatch: BatchSource, test: Pairs, ctx: ToyContext,
  report: (step: number, loss: number) => void): Promise<{ curves: StudentCurve[]; tailLoss: number[]; halfTest: number[] }> {
  const { dim: d, hidden: H, batch: B } = o;
  const depths = students.map((st) => st.layers.length);
  const S = depths.length;
  const grads = students.map((st) => st.zeroGradients());
  const opt = students.map((st) => st.layers.map(() => ({ F: new Adam(d * H), c: new Adam(H), P: new Adam(H * d) })));
  const stack = new ResidualStack(students, B, ctx.engine, true);
  const hs = depths.map(() => new Float32Array(B * d));
  const gs = depths.map(() => new Float32Array(B * d));
  const x = new Float32Array(B * d);
  const y = new Float32Array(B * d);
  const lr0 = depths.map((l) => o.lr / Math.pow(l, o.lrDepthPower));
  const tau = new Float64Array(S);
  const windowSum = new Float64Array(S);
  const tailSum = new Float64Array(S);
  let windowN = 0;
  let tailN = 0;
  const curves: StudentCurve[] = depths.map(() => ({ step: [], tau: [], loss: [], test: [] }));
  const testOf = (st: ResidualNet) => testLoss(st, test.x, test.y, o.testSize, d);
  const half = Math.max(1, Math.floor(o.steps / 2));
  let halfTest: number[] = [];
  for (let step = 0, last = ctx.stepsToTrain(o.steps); step < last; step++) {
    await ctx.tick();
    nextBatch(x, y);
    for (const h of hs) h.set(x);
    stack.forward(hs);
    const losses = hs.map((h, i) => rmsMse(h, y, B, d, gs[i]));
    clearGradients(grads);
    stack.backward(gs, grads);
    const lr = lr0.map((r) => r * decayFactor(o, step));
    adamSteps(students, grads, opt, lr);
    const inTail = step >= o.steps * 0.9;
    for (let i = 0; i < S; i++) {
      tau[i] += lr[i];
      windowSum[i] += losses[i];
      if (inTail) tailSum[i] += losses[i];
    }
    windowN++;
    if (inTail) tailN++;
    if ((step + 1) % o.logEvery === 0 || step === o.steps - 1) {
      curves.forEach((c, i) => {
        c.step.push(step + 1);
        c.tau.push(tau[i]);
        c.loss.push(windowSum[i] / windowN);
        if (o.logTest) c.test.push(testOf(students[i]));
        windowSum[i] = 0;
      });
      windowN = 0;
    }
    if (step + 1 === half) halfTest = students.map(testOf);
    report(step, losses[S - 1]);
  }
  return { curves, tailLoss: Array.from(tailSum, (s) => s / Math.max(1, tailN)), halfTest };
}
