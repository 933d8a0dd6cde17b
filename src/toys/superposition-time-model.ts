import { Adam } from './adam';
import type { ToyContext } from './context';
import { transpose } from './engine';
import type { Rng } from '../util/random';

/** The three models of the toy (docs/toys.md#superposition-time). */
export type TimeVariant = 'relu' | 'linear' | 'superposition';

/** The student's output bias at the start ('superposition'): small and positive, so the output ReLU passes a gradient while A = 0. */
export const OUTPUT_BIAS_START = 0.01;

/** What the teacher-student of the `superposition-time` toy is built from (docs/toys.md#superposition-time). */
export interface TimeTeacherStudentShape {
  /**
   * 'relu': y = A ReLU(B x); 'linear': y = A B x (teacher and student alike); 'superposition': sparse
   * non-negative features, teacher y = diag(w) x, student y^ = ReLU(A B x + c) (docs/toys.md#superposition-time).
   */
  variant: TimeVariant;
  /** Input spectrum: x_i has variance i^-a. */
  a: number;
  /** Channel importance: the teacher's weight on channel i is i^-b. */
  b: number;
  /** Teacher channels K, equal to the input dimension n (channel i reads input i). */
  channels: number;
  /** Student width m. */
  width: number;
  batch: number;
  /** Gain of the student's orthogonal first layer. */
  init: number;
  /**
   * 'relu', 'linear': probability that an input is nonzero (1: Gaussian inputs; below 1: sparse ones of
   * the same variance). 'superposition': input i is nonzero with probability min(1, density i^-a).
   */
  density: number;
  optimizer: 'sgd' | 'adam';
}

/**
 * B' (n x m, row-major) for the orthogonal initialisation of Saxe et al. (torch.nn.init.orthogonal_):
 * modified Gram-Schmidt on Gaussian vectors, times `gain`. Its columns are orthonormal when m <= n
 * (B B' = gain^2 I_m: a bottleneck reads m orthonormal directions) and its rows when m >= n
 * (B' B = gain^2 I_n: every input direction is read with the same gain).
 */
export function orthogonalInit(n: number, m: number, gain: number, rng: Rng): Float32Array {
  const k = Math.min(n, m);
  const len = Math.max(n, m);
  const q = Array.from({ length: k }, () => Float64Array.from({ length: len }, () => rng.normal()));
  for (let c = 0; c < k; c++) {
    const v = q[c];
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let j = 0; j < len; j++) dot += v[j] * q[p][j];
      for (let j = 0; j < len; j++) v[j] -= dot * q[p][j];
    }
    let norm = 0;
    for (let j = 0; j < len; j++) norm += v[j] * v[j];
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < len; j++) v[j] *= inv;
  }
  const out = new Float32Array(n * m);
  // m <= n: the k = m vectors (length n) are the columns; m > n: the k = n vectors (length m) are the rows
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < len; j++) out[m <= n ? j * m + c : c * m + j] = gain * q[c][j];
  }
  return out;
}

/**
 * Teacher y = diag(w) s(x), w_i = i^-b, with x_i ~ N(0, i^-a) and s = ReLU or the identity (the
 * teacher's B is the identity: channel i reads input i); student y^ = A s(B x) of width m, with A
 * zero-initialised and B orthogonal (gain `init`). Variant 'superposition': sparse non-negative
 * features (x_i ~ U(0, 2) with probability min(1, density i^-a), else 0), teacher y = diag(w) x and
 * student y^ = ReLU(A B x + c), the output ReLU and bias filtering the interference of features that
 * share the m hidden dimensions (Elhage et al. 2022), with c starting at OUTPUT_BIAS_START. The loss is
 * the squared error summed over the n outputs and averaged over the batch. Gradients are written by
 * hand (test/unit checks them against tfjs autodiff); the dense products go to tfjs, everything else
 * is plain JS.
 */
export class TimeTeacherStudent {
  readonly n: number;
  readonly m: number;
  readonly batchSize: number;
  /** sqrt(i^-a): the standard deviation of input i ('relu', 'linear'). */
  readonly inputScale: Float64Array;
  /** min(1, density i^-a): the probability that input i is nonzero ('superposition'). */
  readonly frequency: Float64Array;
  /** i^-b: the teacher's weight on channel i. */
  readonly teacherWeight: Float64Array;
  /** The student's first layer, stored transposed: B' [n, m]. */
  readonly bt: Float32Array;
  /** The student's readout, stored transposed: A' [m, n] (zero at the start). */
  readonly at: Float32Array;
  /** The student's output bias c [n] ('superposition' only; empty otherwise). */
  readonly bias: Float32Array;
  readonly gradBt: Float32Array;
  readonly gradAt: Float32Array;
  readonly gradBias: Float32Array;
  /** The current batch [B, n] and its teacher outputs [B, n]. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  private readonly variant: TimeVariant;
  private readonly density: number;
  private readonly adams: Adam[] | undefined;
  private readonly work: { xt: Float32Array; ht: Float32Array; a: Float32Array; g: Float32Array };

  constructor(s: TimeTeacherStudentShape, private readonly ctx: Pick<ToyContext, 'engine' | 'rng'>) {
    const n = (this.n = s.channels);
    const m = (this.m = s.width);
    const B = (this.batchSize = s.batch);
    this.variant = s.variant;
    this.density = s.density;
    this.inputScale = Float64Array.from({ length: n }, (_, i) => Math.pow(i + 1, -s.a / 2));
    this.frequency = Float64Array.from({ length: n }, (_, i) => Math.min(1, s.density * Math.pow(i + 1, -s.a)));
    this.teacherWeight = Float64Array.from({ length: n }, (_, i) => Math.pow(i + 1, -s.b));
    this.bt = orthogonalInit(n, m, s.init, ctx.rng);
    this.at = new Float32Array(m * n);
    const biased = s.variant === 'superposition' ? n : 0;
    this.bias = new Float32Array(biased).fill(OUTPUT_BIAS_START);
    this.gradBt = new Float32Array(n * m);
    this.gradAt = new Float32Array(m * n);
    this.gradBias = new Float32Array(biased);
    this.x = new Float32Array(B * n);
    this.y = new Float32Array(B * n);
    this.adams = s.optimizer === 'adam' ? [new Adam(n * m), new Adam(m * n), new Adam(biased)] : undefined;
    this.work = { xt: new Float32Array(n * B), ht: new Float32Array(m * B), a: new Float32Array(n * m), g: new Float32Array(B * n) };
  }

  /**
   * A fresh batch and the teacher's outputs. 'relu', 'linear': x_i = i^(-a/2) z with z standard
   * normal, or, below density 1, x_i = i^(-a/2) z / sqrt(density) with probability density and 0
   * otherwise (the same variance, so the linear closed forms do not change); y_i = w_i s(x_i).
   * 'superposition': x_i ~ U(0, 2) with probability min(1, density i^-a), else 0; y_i = w_i x_i.
   */
  drawBatch(): void {
    if (this.variant === 'superposition') return this.drawSparseBatch();
    const { n, x, y, inputScale, teacherWeight, density } = this;
    const relu = this.variant === 'relu';
    const rng = this.ctx.rng;
    const boost = 1 / Math.sqrt(density);
    for (let r = 0; r < this.batchSize; r++) {
      for (let i = 0; i < n; i++) {
        const v = density === 1 ? inputScale[i] * rng.normal() : rng.uniform() < density ? inputScale[i] * boost * rng.normal() : 0;
        x[r * n + i] = v;
        y[r * n + i] = teacherWeight[i] * (relu && v < 0 ? 0 : v);
      }
    }
  }

  private drawSparseBatch(): void {
    const { n, x, y, frequency, teacherWeight } = this;
    const rng = this.ctx.rng;
    for (let r = 0; r < this.batchSize; r++) {
      for (let i = 0; i < n; i++) {
        const v = rng.uniform() < frequency[i] ? 2 * rng.uniform() : 0;
        x[r * n + i] = v;
        y[r * n + i] = teacherWeight[i] * v;
      }
    }
  }

  /**
   * Loss (1/B) sum_b |y^_b - y_b|^2 on the current batch; withGrad fills the gradients. With
   * Z = x B' and O = s(Z) A' (+ c): G = 2 (y^ - y) / B, times ReLU'(O) for 'superposition';
   * dL/dA' = s(Z)' G, dL/dc = the column sums of G, dL/dB' = x' ((G A) * s'(Z)).
   */
  loss(withGrad: boolean): number {
    const { n, m, batchSize: B, x, y, bias } = this;
    const hiddenRelu = this.variant === 'relu';
    const outRelu = this.variant === 'superposition';
    const { mm } = this.ctx.engine;
    const h = mm(x, this.bt, B, n, m);
    if (hiddenRelu) for (let i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0;
    const yh = mm(h, this.at, B, m, n);
    const g = this.work.g;
    let sum = 0;
    for (let i = 0; i < yh.length; i++) {
      let o = yh[i];
      // the output ReLU passes a gradient exactly where its input is positive
      if (outRelu) o = Math.fround(o + bias[i % n]);
      const active = !outRelu || o > 0;
      const e = (active ? o : 0) - y[i];
      sum += e * e;
      g[i] = active ? (2 * e) / B : 0;
    }
    if (withGrad) {
      this.gradAt.set(mm(transpose(h, B, m, this.work.ht), g, m, B, n));
      if (outRelu) columnSums(g, B, n, this.gradBias);
      const dh = mm(g, transpose(this.at, m, n, this.work.a), B, n, m);
      // ReLU'(z) = 1 exactly where h = ReLU(z) > 0
      if (hiddenRelu) for (let i = 0; i < dh.length; i++) if (!(h[i] > 0)) dh[i] = 0;
      this.gradBt.set(mm(transpose(x, B, n, this.work.xt), dh, n, B, m));
    }
    return sum / B;
  }

  /** One step of SGD (param -= lr grad) or Adam on every parameter, from the last loss(true). */
  update(lr: number): void {
    const pairs: Array<[Float32Array, Float32Array]> = [[this.bt, this.gradBt], [this.at, this.gradAt], [this.bias, this.gradBias]];
    pairs.forEach(([param, grad], k) => {
      if (this.adams) return this.adams[k].step(param, grad, lr);
      for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
    });
  }
}

/** out[j] = sum over rows of g [rows, cols]. */
function columnSums(g: Float32Array, rows: number, cols: number, out: Float32Array): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[j] += g[r * cols + j];
}

/** Bytes the model of one width allocates: parameters, gradients, Adam state, batch, work arrays, the tfjs operands, and the per-channel vectors (scales, frequencies, weights, bias with its gradient and Adam state). */
export function timeTeacherStudentBytes(s: Pick<TimeTeacherStudentShape, 'channels' | 'width' | 'batch' | 'optimizer'>): number {
  const { channels: n, width: m, batch: B } = s;
  const params = 4 * n * m + (s.optimizer === 'adam' ? 4 * n * m : 0);
  const data = 4 * B * n + n * B + m * B + n * m;
  // the largest product's operands: inputs copied into tensors and the output read back
  const products = 2 * (B * n + n * m + B * m);
  return 4 * (params + data + products) + 8 * n * m + 48 * n;
}
