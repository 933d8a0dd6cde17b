import { Adam } from './adam';
import type { ToyContext } from './context';
import type { CurveColumns, ToyCore, ToySpec } from './core';
import { transpose } from './engine';
import { f32, f64 } from './memory';
import { OptionValues, badOption, intOption, numberOption, trainingOptions } from './options';
import { rmsNormRows } from './rms';
import { linearFit, logLogSlope } from '../util/stats';

/** Options of the `softmax-time` toy (the LM-head teacher-student of the one-third paper; docs/toys.md#softmax-time). */
export interface SoftmaxTimeOptions {
  /** Temperature T of the teacher logits W* x / T. Default 1e-3 (peaked); T >= 0.06 is flat. */
  temperature: number;
  /** Vocabulary (classes). Default 128. */
  vocab: number;
  /** Embedding dimension. Default 32. */
  dim: number;
  /** Adam steps. Default 2000. */
  steps: number;
  /** Samples per step. Default 1024. */
  batch: number;
  /** Constant Adam learning rate; tau = lr x step. Default 0.08. */
  lr: number;
  /** Log the loss every this many steps. Default 5. */
  logEvery: number;
  /** tau range of the power-law fit. Default [5, 150]. */
  fitRange: [number, number];
}

export const softmaxTimeDefaults: SoftmaxTimeOptions = {
  temperature: 1e-3, vocab: 128, dim: 32, steps: 2000, batch: 1024, lr: 0.08, logEvery: 5, fitRange: [5, 150],
};

/** What the softmax-time result adds to the common fields. */
export interface SoftmaxTimeExtra {
  /** 'exponential' when log L is straighter in tau than in log tau (a flat target), else 'power-law'. */
  regime: 'power-law' | 'exponential';
  /** R^2 of log L against log tau over the fit range. */
  powerLawR2: number;
  /** R^2 of log L against tau over the fit range. */
  exponentialR2: number;
  /** Test loss after the last step. */
  finalLoss: number;
}

function resolveSoftmaxTime(given: OptionValues): SoftmaxTimeOptions {
  const o: OptionValues = { ...softmaxTimeDefaults, ...given };
  const temperature = numberOption(o, 'temperature');
  const vocab = intOption(o, 'vocab', 2);
  const dim = intOption(o, 'dim', 1);
  const fr = o.fitRange;
  if (!Array.isArray(fr) || fr.length !== 2 || !(fr[0] > 0) || !(fr[1] > fr[0])) {
    badOption('fitRange', `must be [tauFrom, tauTo] with 0 < tauFrom < tauTo, got ${JSON.stringify(fr)}.`, 'pass e.g. fitRange: [5, 150].');
  }
  const { steps, batch, lr, logEvery } = trainingOptions(o);
  return { temperature, vocab, dim, steps, batch, lr, logEvery, fitRange: fr as [number, number] };
}

/**
 * Below this, Math.exp returns exactly 0 (fdlibm's underflow threshold, which V8 implements): the
 * peaked teacher has most of its terms there, and skipping those calls changes no bit of the result.
 */
const EXP_UNDERFLOW = -7.45133219101941108420e+02;

/**
 * Student logits W x^ (W zero-initialised) against the teacher's softmax(W* x^ / T) under KL (same
 * gradient as cross-entropy). Forward: one product x^ [B,d] x [W*^T/T | W^T] [d,2V] (teacher and
 * student together); gradient: x^T [d,B] x (p_S - p_T) [B,V] / B, with x^T materialised.
 */
class SoftmaxTeacherStudent {
  private readonly V: number;
  private readonly d: number;
  private readonly B: number;
  /** [d, 2V]: columns 0..V-1 the teacher W*^T / T, columns V..2V-1 a copy of the student W^T. */
  private readonly wcat: Float32Array;
  /** The student W^T [d, V], the optimised parameter (zero init). */
  private readonly ws: Float32Array;
  private readonly grad: Float32Array;
  private readonly adam: Adam;
  private readonly x: Float32Array;
  private readonly xt: Float32Array;
  /** d loss / d student logits of the last batch, [B, V]. */
  private readonly diff: Float32Array;
  private readonly pT: Float64Array;
  private readonly eS: Float64Array;
  /** Teacher and student logits of the last batch, [B, 2V]. */
  private readonly z: Float32Array;

  constructor(o: SoftmaxTimeOptions, private readonly ctx: ToyContext) {
    const V = (this.V = o.vocab);
    const d = (this.d = o.dim);
    const B = (this.B = o.batch);
    this.wcat = new Float32Array(d * 2 * V);
    const bound = 1 / Math.sqrt(d);
    for (let c = 0; c < V; c++) {
      for (let r = 0; r < d; r++) this.wcat[r * 2 * V + c] = ((2 * ctx.rng.uniform() - 1) * bound) / o.temperature;
    }
    this.ws = new Float32Array(d * V);
    this.grad = new Float32Array(d * V);
    this.adam = new Adam(d * V);
    this.x = new Float32Array(B * d);
    this.xt = new Float32Array(B * d);
    this.diff = new Float32Array(B * V);
    this.pT = new Float64Array(V);
    this.eS = new Float64Array(V);
    this.z = new Float32Array(B * 2 * V);
  }

  /** Draws a fresh batch and returns the mean KL(teacher || student) on it; withGrad fills diff. */
  loss(withGrad: boolean): number {
    const { V, d, B, x, wcat, ws, pT, eS, diff } = this;
    const V2 = 2 * V;
    const rng = this.ctx.rng;
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    rmsNormRows(x, B, d);
    for (let r = 0; r < d; r++) wcat.set(ws.subarray(r * V, r * V + V), r * V2 + V);
    const z = this.ctx.engine.mm(x, wcat, B, d, V2, this.z);
    let kl = 0;
    for (let b = 0; b < B; b++) {
      const o0 = b * V2;
      let mt = -Infinity;
      let ms = -Infinity;
      for (let c = 0; c < V; c++) {
        if (z[o0 + c] > mt) mt = z[o0 + c];
        if (z[o0 + V + c] > ms) ms = z[o0 + V + c];
      }
      let st = 0;
      let ss = 0;
      for (let c = 0; c < V; c++) {
        const dt = z[o0 + c] - mt;
        const e = dt < EXP_UNDERFLOW ? 0 : Math.exp(dt);
        pT[c] = e;
        st += e;
        const es = Math.exp(z[o0 + V + c] - ms);
        eS[c] = es;
        ss += es;
      }
      const lseT = mt + Math.log(st);
      const lseS = ms + Math.log(ss);
      for (let c = 0; c < V; c++) {
        const p = pT[c] === 0 ? 0 : pT[c] / st;
        if (p > 0) kl += p * ((z[o0 + c] - lseT) - (z[o0 + V + c] - lseS));
        if (withGrad) diff[b * V + c] = (eS[c] / ss - p) / B;
      }
    }
    return kl / B;
  }

  /** One Adam step on the student from the last batch's gradient (after loss(true)). */
  update(lr: number): void {
    const { V, d, B } = this;
    transpose(this.x, B, d, this.xt);
    this.ctx.engine.mm(this.xt, this.diff, d, B, V, this.grad);
    this.adam.step(this.ws, this.grad, lr);
  }
}

/**
 * Adam at a constant rate. Each step's loss is measured on the fresh batch before the update, so it
 * is a test loss of the model after `step` updates, at tau = lr x step.
 */
async function trainSoftmaxTime(o: SoftmaxTimeOptions, ctx: ToyContext): Promise<ToyCore<SoftmaxTimeExtra>> {
  const model = new SoftmaxTeacherStudent(o, ctx);
  const curves: CurveColumns<'step' | 'tau' | 'loss'> = { step: [], tau: [], loss: [] };
  const trained = ctx.stepsToTrain(o.steps);
  for (let step = 0; step < trained; step++) {
    await ctx.tick();
    const loss = model.loss(true);
    if (step % o.logEvery === 0) {
      curves.step.push(step);
      curves.tau.push(step * o.lr);
      curves.loss.push(loss);
    }
    ctx.report(step, loss);
    model.update(o.lr);
  }
  // stopped early (stopAfter): the curves are the run's own logged points, with no final evaluation
  if (trained < o.steps) return timeExponent(o, curves, curves.loss[curves.loss.length - 1] ?? NaN);
  const finalLoss = model.loss(false);
  curves.step.push(o.steps);
  curves.tau.push(o.steps * o.lr);
  curves.loss.push(finalLoss);
  ctx.report(o.steps, finalLoss);
  return timeExponent(o, curves, finalLoss);
}

/** The exponent over the fit range, and whether the decay is a power law or exponential. */
function timeExponent(o: SoftmaxTimeOptions, curves: CurveColumns<'step' | 'tau' | 'loss'>, finalLoss: number): ToyCore<SoftmaxTimeExtra> {
  const [lo, hi] = o.fitRange;
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < curves.tau.length; i++) {
    const t = curves.tau[i];
    if (t >= lo && t <= hi) {
      px.push(t);
      py.push(curves.loss[i]);
    }
  }
  const fit = logLogSlope(px, py);
  const lateFrom = (lo + hi) / 2;
  const late = logLogSlope(px.filter((t) => t >= lateFrom), py.filter((_, i) => px[i] >= lateFrom));
  const notes: string[] = [];
  const betaStar = Math.sqrt(1 / 3) / o.temperature;
  notes.push(`teacher inverse temperature beta* = 0.577/T = ${betaStar.toFixed(1)} (peaked when beta* >> sqrt(2 ln V) = ${Math.sqrt(2 * Math.log(o.vocab)).toFixed(2)})`);
  // power law (straight in log L vs log tau) or exponential (straight in log L vs tau)?
  const logs = py.map((v) => Math.log(Math.max(v, 1e-30)));
  const expFit = linearFit(px, logs);
  const positive = py.filter((v) => v > 1e-9).length;
  const exponential = px.length >= 3 && (expFit.r2 > fit.r2 || positive < py.length);
  if (px.length < 3) {
    notes.push(`only ${px.length} logged points fall in tau in [${lo}, ${hi}]: run more steps or a larger lr to fit the exponent`);
  } else if (exponential) {
    notes.push(`high temperature: loss decays exponentially in tau (R^2 ${expFit.r2.toFixed(3)} for log L linear in tau against ${fit.r2.toFixed(3)} for a power law), no power law: the one-third law needs a peaked target`);
  } else {
    notes.push(`loss falls as a power law tau^-${fit.value.toFixed(3)} over tau in [${lo}, ${hi}] (R^2 ${fit.r2.toFixed(3)}); the paper's toy: 0.337 +/- 0.002, loss about 0.16 at tau = 150`);
  }
  notes.push('the standard error treats the logged losses as independent; successive points of one run are correlated, so read it as a lower bound');
  return {
    curves,
    points: { x: px, loss: py, xLabel: 'tau' },
    exponent: { value: fit.value, stderr: fit.stderr, ci: fit.ci, expected: 1 / 3, range: [lo, hi] },
    halfBudget: { value: late.value, stderr: late.stderr },
    notes,
    extra: { regime: exponential ? 'exponential' : 'power-law', powerLawR2: fit.r2, exponentialR2: expFit.r2, finalLoss },
  };
}

/** The arrays SoftmaxTeacherStudent allocates, the tfjs operands of its larger product (inputs, output and its copy), the curve. */
function softmaxTimeMemory(o: SoftmaxTimeOptions): Record<string, number> {
  const { vocab: V, dim: d, batch: B } = o;
  return {
    'teacher and student weights (dim x 2 vocab)': f32(2 * d * V),
    'student, gradient and Adam state (4 x dim x vocab)': f32(4 * d * V),
    'logits and their tfjs operands (batch x (2 dim + 4 vocab))': f32(B * d + 2 * d * V + 4 * B * V),
    'batch and logit gradient (batch x (2 dim + vocab))': f32(B * (2 * d + V)) + f64(2 * V),
    'loss curve (steps / logEvery)': f64(3 * (o.steps / o.logEvery + 2)),
  };
}

export const softmaxTimeToy: ToySpec<SoftmaxTimeOptions, SoftmaxTimeExtra> = {
  stopsAfter: true,
  optionNames: Object.keys(softmaxTimeDefaults),
  resolve: resolveSoftmaxTime,
  totalSteps: (o) => o.steps,
  memory: softmaxTimeMemory,
  halfBudget: 'the log-log slope over the logged points in the last half of the fit range (tau from the middle of fitRange to its end), against the slope over the whole range',
  train: trainSoftmaxTime,
  paper: 'L ~ tau^(-1/3) (Liu et al., one-third time scaling; toy 0.337 +/- 0.002)',
};
