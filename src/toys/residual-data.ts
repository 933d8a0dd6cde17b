import type { ResidualNet } from './residual-net';
import { inverseRms, rmsNormRows } from './rms';
import type { Rng } from '../util/random';

/** Rows per forward call when a network runs over a whole pool (bounds the activations' memory). */
export const CHUNK = 2048;

/**
 * Rows per teacher forward call: CHUNK, fewer for wide layers so that one layer over one chunk stays
 * short (about 2^26 multiply-adds: the set-up checks for an abort after each).
 */
export function teacherChunk(d: number, H: number): number {
  return Math.max(1, Math.min(CHUNK, Math.floor(2 ** 26 / (d * H))));
}

/** rms-normalises each row of h and returns the mean over B x d of (rms(h) - y)^2; g (when given) gets d/dh. */
export function rmsMse(h: Float32Array, y: Float32Array, B: number, d: number, g: Float32Array | undefined): number {
  let loss = 0;
  const scale = 2 / (B * d);
  for (let b = 0; b < B; b++) {
    const o = b * d;
    const inv = inverseRms(h, o, d);
    let dot = 0;
    for (let j = 0; j < d; j++) {
      const out = h[o + j] * inv;
      const e = out - y[o + j];
      loss += e * e;
      dot += e * scale * out;
    }
    if (g) {
      dot /= d;
      for (let j = 0; j < d; j++) {
        const out = h[o + j] * inv;
        g[o + j] = inv * ((out - y[o + j]) * scale - out * dot);
      }
    }
  }
  return loss / (B * d);
}

/**
 * Teacher inputs rms(x), x ~ N(0, I), and targets rms(teacher(rms(x))). Awaits `tick` after every
 * layer of every chunk (abort) and reports the rows done after each chunk (progress).
 */
export async function teacherPairs(teacher: ResidualNet, rng: Rng, count: number, d: number, tick: () => Promise<void>,
  onRows: (rows: number) => void): Promise<{ x: Float32Array; y: Float32Array }> {
  const x = new Float32Array(count * d);
  const y = new Float32Array(count * d);
  const chunk = teacherChunk(d, teacher.H);
  for (let s = 0; s < count; s += chunk) {
    // the inputs chunk by chunk, in the order one fill of the whole pool would draw them
    const n = Math.min(chunk, count - s);
    const xs = rng.fillNormal(x.subarray(s * d, (s + n) * d));
    rmsNormRows(xs, n, d);
    const ys = y.subarray(s * d, (s + n) * d);
    ys.set(xs);
    await teacher.forwardTicking(ys, n, tick);
    rmsNormRows(ys, n, d);
    onRows(s + n);
  }
  return { x, y };
}

/** The mean squared error of rms(net(x)) against y over count pairs. */
export function testLoss(net: ResidualNet, x: Float32Array, y: Float32Array, count: number, d: number): number {
  const h = x.slice();
  let sum = 0;
  for (let s = 0; s < count; s += CHUNK) {
    const n = Math.min(CHUNK, count - s);
    const part = h.subarray(s * d, (s + n) * d);
    net.forward(part, n);
    sum += rmsMse(part, y.subarray(s * d, (s + n) * d), n, d, undefined) * n;
  }
  return sum / count;
}
