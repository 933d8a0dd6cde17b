import type { Engine } from './engine';
import type { Rng } from '../util/random';
import { ScalingLabError } from '../errors';

/** In-place Adam (betas 0.9 / 0.999, eps 1e-8, bias-corrected) on one parameter array. */
export class Adam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  private t = 0;
  constructor(size: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** param -= lr * mhat / (sqrt(vhat) + eps). */
  step(param: Float32Array, grad: Float32Array, lr: number): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    const stepSize = lr / c1;
    const sc2 = 1 / Math.sqrt(c2);
    const eps = this.eps;
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
      param[i] -= (stepSize * mi) / (Math.sqrt(vi) * sc2 + eps);
    }
  }

  /**
   * Decoupled weight decay and the Adam step in one pass: row r of param (rowLen entries) is first
   * multiplied by rowScale[r], exactly as a separate decay pass would, then updated.
   */
  stepScaled(param: Float32Array, grad: Float32Array, lr: number, rowScale: Float64Array, rowLen: number): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = lr / (1 - Math.pow(b1, this.t));
    const sc2 = 1 / Math.sqrt(1 - Math.pow(b2, this.t));
    const eps = this.eps;
    const m = this.m;
    const v = this.v;
    const rows = param.length / rowLen;
    for (let r = 0; r < rows; r++) {
      const f = rowScale[r];
      const o = r * rowLen;
      for (let i = o; i < o + rowLen; i++) {
        const g = grad[i];
        const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
        const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
        param[i] = Math.fround(param[i] * f) - (stepSize * mi) / (Math.sqrt(vi) * sc2 + eps);
      }
    }
  }
}

/** What each toy's training function gets. */
export interface ToyContext {
  engine: Engine;
  rng: Rng;
  signal?: AbortSignal;
  /** Progress: done steps (over the whole sweep), current loss, task label. */
  report(done: number, loss?: number, task?: string): void;
  /** Call once per step: checks for an abort and yields to the event loop every ~50 ms. */
  tick(): Promise<void>;
}

export function makeTick(signal: AbortSignal | undefined): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (signal?.aborted) throw abortError(signal);
    const now = Date.now();
    if (now - last >= 50) {
      last = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortError(signal);
    }
  };
}

export function abortError(signal: AbortSignal): Error {
  const reason = (signal as AbortSignal & { reason?: unknown }).reason;
  if (reason instanceof Error) return reason;
  const err = new ScalingLabError('aborted', 'runToy: aborted by the caller (AbortSignal).');
  err.name = 'AbortError';
  return err;
}

/** Columns of the curves table, filled as the toy trains. */
export type CurveColumns = Record<string, Array<number | string>>;

/** Linear warm-up then cosine decay to `floor` times the peak, as in the superposition code. */
export function warmupCosine(step: number, total: number, peak: number, warmupFraction: number, floor: number): number {
  const warm = Math.max(1, Math.round(total * warmupFraction));
  if (step < warm) return (peak * (step + 1)) / warm;
  const p = (step - warm) / Math.max(1, total - warm);
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p))));
}

/** Root-mean-square normalisation of each row of a [rows, dim] array, in place (no gain). */
export function rmsNormRows(x: Float32Array, rows: number, dim: number, eps = 1.1920929e-7): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[o + j] * x[o + j];
    const inv = 1 / Math.sqrt(s / dim + eps);
    for (let j = 0; j < dim; j++) x[o + j] *= inv;
  }
}

export { Rng } from '../util/random';
