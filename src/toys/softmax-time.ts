import { Adam, CurveColumns, ToyContext, rmsNormRows } from './common';
import { transpose } from './engine';
import { linearFit, logLogSlope } from '../util/stats';

/** Options of the `softmax-time` toy (the LM-head teacher-student of the one-third paper). */
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

export interface ToyCore {
  curves: CurveColumns;
  points: { x: number[]; loss: number[]; xLabel: string };
  exponent: { value: number; stderr: number; ci: [number, number]; expected: number; range: [number, number] };
  notes: string[];
  overlap?: number[];
  representedFraction?: number[];
  extra?: Record<string, unknown>;
}

/**
 * Student logits W x^ (W zero-initialised) learn the teacher's softmax(W* x^ / T) under KL (same
 * gradient as cross-entropy), with Adam at a constant rate. Each step's loss is measured on the fresh
 * batch before the update, so it is a test loss of the model after `step` updates, at tau = lr x step.
 * Forward: one product x^ [B,d] x [W*^T/T | W^T] [d,2V] (teacher and student together); gradient:
 * x^T [d,B] x (p_S - p_T) [B,V] / B, with x^T materialised.
 */
export async function trainSoftmaxTime(o: SoftmaxTimeOptions, ctx: ToyContext): Promise<ToyCore> {
  const { engine, rng } = ctx;
  const V = o.vocab;
  const d = o.dim;
  const B = o.batch;
  const V2 = 2 * V;
  // [d, 2V]: columns 0..V-1 the teacher W*^T / T, columns V..2V-1 the student W^T (zero init)
  const wcat = new Float32Array(d * V2);
  const bound = 1 / Math.sqrt(d);
  for (let c = 0; c < V; c++) {
    for (let r = 0; r < d; r++) wcat[r * V2 + c] = ((2 * rng.uniform() - 1) * bound) / o.temperature;
  }
  const ws = new Float32Array(d * V); // student W^T [d, V], the optimised parameter
  const grad = new Float32Array(d * V);
  const adam = new Adam(d * V);
  const x = new Float32Array(B * d);
  const xt = new Float32Array(B * d);
  const diff = new Float32Array(B * V);
  const curves: CurveColumns = { step: [], tau: [], loss: [] };
  const pT = new Float64Array(V);
  const eS = new Float64Array(V);

  const forward = (withGrad: boolean): number => {
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    rmsNormRows(x, B, d);
    for (let r = 0; r < d; r++) wcat.set(ws.subarray(r * V, r * V + V), r * V2 + V);
    const z = engine.mm(x, wcat, B, d, V2);
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
        const e = Math.exp(z[o0 + c] - mt);
        pT[c] = e;
        st += e;
        const es = Math.exp(z[o0 + V + c] - ms);
        eS[c] = es;
        ss += es;
      }
      const lseT = mt + Math.log(st);
      const lseS = ms + Math.log(ss);
      for (let c = 0; c < V; c++) {
        const p = pT[c] / st;
        const logpT = z[o0 + c] - lseT;
        const logpS = z[o0 + V + c] - lseS;
        if (p > 0) kl += p * (logpT - logpS);
        if (withGrad) diff[b * V + c] = (eS[c] / ss - p) / B;
      }
    }
    return kl / B;
  };

  for (let step = 0; step < o.steps; step++) {
    await ctx.tick();
    const loss = forward(true);
    if (step % o.logEvery === 0) {
      curves.step.push(step);
      curves.tau.push(step * o.lr);
      curves.loss.push(loss);
    }
    ctx.report(step, loss);
    transpose(x, B, d, xt);
    const g = engine.mm(xt, diff, d, B, V);
    grad.set(g);
    adam.step(ws, grad, o.lr);
  }
  const finalLoss = forward(false);
  curves.step.push(o.steps);
  curves.tau.push(o.steps * o.lr);
  curves.loss.push(finalLoss);
  ctx.report(o.steps, finalLoss);

  const [lo, hi] = o.fitRange;
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < curves.tau.length; i++) {
    const t = curves.tau[i] as number;
    if (t >= lo && t <= hi) {
      px.push(t);
      py.push(curves.loss[i] as number);
    }
  }
  const fit = logLogSlope(px, py);
  const notes: string[] = [];
  const betaStar = Math.sqrt(1 / 3) / o.temperature;
  notes.push(`teacher inverse temperature beta* = 0.577/T = ${betaStar.toFixed(1)} (peaked when beta* >> sqrt(2 ln V) = ${Math.sqrt(2 * Math.log(V)).toFixed(2)})`);
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
    notes,
    extra: { powerLawR2: fit.r2, exponentialR2: expFit.r2, finalLoss, regime: exponential ? 'exponential' : 'power-law' },
  };
}
