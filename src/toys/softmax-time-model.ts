import { Adam } from './adam';
import type { ToyContext } from './context';
import { transpose } from './engine';
import { rmsNormRows } from './rms';
import type { SoftmaxTimeOptions } from './softmax-time-options';

/**
 * Below this, Math.exp returns exactly 0 (fdlibm's underflow threshold, which V8 implements): the
 * peaked teacher has most of its terms there, and skipping those calls changes no bit of the result.
 */
const EXP_UNDERFLOW = -7.45133219101941108420e+02;

/** The student's logit scale (docs/toys.md#softmax-time): the mechanism's beta, measured two ways. */
export interface LogitScale {
  /** Projection of the student on the teacher, <W, W*_T> / (|W*_T|_F sqrt(V)) with W*_T = W* / T: beta of the aligned ansatz W = beta x the teacher's unit-scale direction. */
  beta: number;
  /** Standard deviation of the student logits over the vocabulary, averaged over the batch. */
  logitStd: number;
}

/**
 * Student logits W x^ (W zero-initialised) against the teacher's logits W* x^ / T. Head 'softmax-ce':
 * KL(softmax teacher || softmax student), the gradient of cross-entropy; head 'mse': half the squared
 * error of the logits summed over the vocabulary. Forward: one product x^ [B,d] x [W*^T/T | W^T] [d,2V]
 * (teacher and student together); gradient: x^T [d,B] x dL/dz [B,V], with x^T materialised.
 */
export class SoftmaxTeacherStudent {
  private readonly V: number;
  private readonly d: number;
  private readonly B: number;
  /** [d, 2V]: columns 0..V-1 the teacher W*^T / T, columns V..2V-1 a copy of the student W^T. */
  private readonly wcat: Float32Array;
  /** The student W^T [d, V], the optimised parameter (zero init). */
  private readonly ws: Float32Array;
  private readonly grad: Float32Array;
  private readonly adam: Adam | null;
  private readonly x: Float32Array;
  private readonly xt: Float32Array;
  /** d loss / d student logits of the last batch, [B, V]. */
  private readonly diff: Float32Array;
  private readonly pT: Float64Array;
  private readonly eS: Float64Array;
  /** Teacher and student logits of the last batch, [B, 2V]. */
  private readonly z: Float32Array;
  /** Per input coordinate, i^(-alpha_x / 2); null for isotropic inputs (the multiplications skipped). */
  private readonly spectrum: Float32Array | null;
  /** Frobenius norm of W* / T, for beta. */
  private readonly teacherNorm: number;

  constructor(private readonly o: SoftmaxTimeOptions, private readonly ctx: ToyContext) {
    const V = (this.V = o.vocab);
    const d = (this.d = o.dim);
    const B = (this.B = o.batch);
    this.wcat = new Float32Array(d * 2 * V);
    const bound = 1 / Math.sqrt(d);
    let norm2 = 0;
    for (let c = 0; c < V; c++) {
      for (let r = 0; r < d; r++) {
        const w = (this.wcat[r * 2 * V + c] = ((2 * ctx.rng.uniform() - 1) * bound) / o.temperature);
        norm2 += w * w;
      }
    }
    this.teacherNorm = Math.sqrt(norm2);
    this.ws = new Float32Array(d * V);
    this.grad = new Float32Array(d * V);
    this.adam = o.optimizer === 'adam' ? new Adam(d * V) : null;
    this.x = new Float32Array(B * d);
    this.xt = new Float32Array(B * d);
    this.diff = new Float32Array(B * V);
    this.pT = new Float64Array(V);
    this.eS = new Float64Array(V);
    this.z = new Float32Array(B * 2 * V);
    this.spectrum = o.inputSpectrum === 0 ? null : Float32Array.from({ length: d }, (_, i) => Math.pow(i + 1, -o.inputSpectrum / 2));
  }

  /** Draws a fresh batch and returns its mean loss; withGrad fills the logit gradient for update(). */
  loss(withGrad: boolean): number {
    const { V, d, B, x, wcat, ws } = this;
    const V2 = 2 * V;
    const rng = this.ctx.rng;
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    rmsNormRows(x, B, d);
    const s = this.spectrum;
    if (s) for (let i = 0; i < x.length; i++) x[i] *= s[i % d];
    for (let r = 0; r < d; r++) wcat.set(ws.subarray(r * V, r * V + V), r * V2 + V);
    this.ctx.engine.mm(x, wcat, B, d, V2, this.z);
    return this.o.head === 'mse' ? this.squaredError(withGrad) : this.kl(withGrad);
  }

  /** Mean KL(teacher || student) of the batch in this.z (max-subtracted log-softmax). */
  private kl(withGrad: boolean): number {
    const { V, B, z, pT, eS, diff } = this;
    const V2 = 2 * V;
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

  /** Mean over the batch of half the squared logit error summed over the vocabulary. */
  private squaredError(withGrad: boolean): number {
    const { V, B, z, diff } = this;
    let se = 0;
    for (let b = 0; b < B; b++) {
      const o0 = b * 2 * V;
      for (let c = 0; c < V; c++) {
        const e = z[o0 + V + c] - z[o0 + c];
        se += e * e;
        if (withGrad) diff[b * V + c] = e / B;
      }
    }
    return se / (2 * B);
  }

  /** The student's logit scale on the last batch (call after loss()). */
  scale(): LogitScale {
    const { V, d, B, z, ws, wcat } = this;
    let dot = 0;
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < V; c++) dot += ws[r * V + c] * wcat[r * 2 * V + c];
    }
    let std = 0;
    for (let b = 0; b < B; b++) {
      const o0 = b * 2 * V + V;
      let m = 0;
      let m2 = 0;
      for (let c = 0; c < V; c++) {
        m += z[o0 + c];
        m2 += z[o0 + c] * z[o0 + c];
      }
      m /= V;
      std += Math.sqrt(Math.max(0, m2 / V - m * m));
    }
    return { beta: dot / (this.teacherNorm * Math.sqrt(V)), logitStd: std / B };
  }

  /** One optimizer step on the student from the last batch's gradient (after loss(true)). */
  update(lr: number): void {
    const { V, d, B } = this;
    transpose(this.x, B, d, this.xt);
    this.ctx.engine.mm(this.xt, this.diff, d, B, V, this.grad);
    if (this.adam) {
      this.adam.step(this.ws, this.grad, lr);
    } else {
      const { ws, grad } = this;
      for (let i = 0; i < ws.length; i++) ws[i] -= lr * grad[i];
    }
  }
}
