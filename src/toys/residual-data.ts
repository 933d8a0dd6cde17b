import type { ResidualNet } from './residual-net';
import { inverseRms, rmsNormRows } from './rms';
import type { Rng } from '../util/random';

/** Rows per forward call when a network runs over a whole pool (bounds the activations' memory). */
const CHUNK = 2048;

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

/** Teacher inputs rms(x), x ~ N(0, I), and targets rms(teacher(rms(x))). */
export function teacherPairs(teacher: ResidualNet, rng: Rng, count: number, d: number): { x: Float32Array; y: Float32Array } {
  const x = rng.fillNormal(new Float32Array(count * d));
  rmsNormRows(x, count, d);
  const y = x.slice();
  for (let s = 0; s < count; s += CHUNK) {
    const n = Math.min(CHUNK, count - s);
    teacher.forward(y.subarray(s * d, (s + n) * d), n);
  }
  rmsNormRows(y, count, d);
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
