import type { Engine } from './engine';
import { transpose } from './engine';
import type { SparseBatch } from './superposition-batch';

/** What the backward passes read and write: the model's parameters, W gathered at the batch's features, the gradients. */
export interface SuperpositionParams {
  readonly n: number;
  readonly m: number;
  readonly batch: number;
  /** [n, m] */
  readonly W: Float32Array;
  /** [n] */
  readonly b: Float32Array;
  /** Rows of W at the batch's distinct active features, [nU, m]. */
  readonly WU: Float32Array;
  /** Gradients of the batch's loss (written by the backward pass). */
  readonly gW: Float32Array;
  readonly gb: Float32Array;
}

/**
 * The dense backward of the superposition toy: z = x W W^T assembled from G_U = W_U W^T, then
 * dz = 2 (y - x) [y > 0] / (B n) overwrites z in one sweep, and the input-side gradients go through
 * tfjs products over the distinct active features (inputGradients).
 */
export class DenseBackward {
  /** Fraction of the B x n outputs with a nonzero gradient in the last batch. */
  density = 1;
  private readonly z: Float32Array;
  private readonly WUT: Float32Array;
  private DU: Float32Array;
  private yAct: Float32Array;

  constructor(n: number, m: number, batch: number, private readonly engine: Engine) {
    this.z = new Float32Array(batch * n);
    this.WUT = new Float32Array(n * m);
    this.DU = new Float32Array(0);
    this.yAct = new Float32Array(0);
  }

  /** Writes gW and gb from G = G_U [nU, n]; returns the batch's summed squared error. */
  run(p: SuperpositionParams, x: SparseBatch, G: Float32Array): number {
    const { n, batch: B, b, gb } = p;
    const { nAct, actRow, actFeat, actVal, actU, rowStart, rowActs } = x;
    const z = this.z;
    if (this.yAct.length < nAct) this.yAct = new Float32Array(x.capacity);
    const yAct = this.yAct;
    const scale = 2 / (B * n);
    gb.fill(0);
    let loss = 0;
    let nz = 0;
    let empty = 0;
    for (let r = 0; r < B; r++) {
      const k0 = rowStart[r];
      const k1 = rowStart[r + 1];
      // A row without active input (about a third) has y = relu(b), the same for all: counted, summed
      // once below. Its dz is not needed by inputGradients, which reads only rows with active inputs.
      if (k0 === k1) {
        empty++;
        continue;
      }
      const o = r * n;
      for (let q = k0; q < k1; q++) {
        const k = rowActs[q];
        const v = actVal[k];
        const gr = actU[k] * n;
        if (q === k0) for (let j = 0; j < n; j++) z[o + j] = v * G[gr + j];
        else for (let j = 0; j < n; j++) z[o + j] += v * G[gr + j];
      }
      // outputs at the active inputs, read before z is overwritten
      for (let q = k0; q < k1; q++) {
        const k = rowActs[q];
        const f = actFeat[k];
        yAct[k] = Math.max(0, z[o + f] + b[f]);
      }
      for (let j = 0; j < n; j++) {
        const y = Math.max(z[o + j] + b[j], 0);
        loss += y * y;
        nz += y > 0 ? 1 : 0;
        const g = y * scale;
        z[o + j] = g;
        gb[j] += g;
      }
    }
    if (empty > 0) {
      for (let j = 0; j < n; j++) {
        const y = Math.max(b[j], 0);
        loss += empty * y * y;
        nz += y > 0 ? empty : 0;
        gb[j] += empty * y * scale;
      }
    }
    // the targets: loss (y - v)^2 instead of y^2 at the active inputs; gradient entry -v where y > 0
    for (let k = 0; k < nAct; k++) {
      const y = yAct[k];
      const v = actVal[k];
      loss += (y - v) * (y - v) - y * y;
      if (y > 0) {
        const f = actFeat[k];
        const g = v * scale;
        z[actRow[k] * n + f] -= g;
        gb[f] -= g;
      }
    }
    this.density = nz / (B * n);
    this.inputGradients(p, x, z);
    return loss;
  }

  /**
   * gW from a dense dz, through D_U = x_U^T dz (U x n; row u sums v dz[r] over the samples r where
   * feature u is active). With h = x W, gW = dz^T h + x^T dz W = (W_U^T D_U)^T + scatter of D_U W into
   * the rows of the active features: two products of U rows instead of B.
   */
  inputGradients(p: SuperpositionParams, x: SparseBatch, dz: Float32Array): void {
    const { n, m, W, WU, gW } = p;
    const { nU, nAct, actRow, actU, actVal, uFeat } = x;
    gW.fill(0);
    if (nU === 0) return;
    if (this.DU.length < nU * n) this.DU = new Float32Array(nU * n);
    const DU = this.DU;
    DU.fill(0, 0, nU * n);
    for (let k = 0; k < nAct; k++) {
      const v = actVal[k];
      const dr = actRow[k] * n;
      const ur = actU[k] * n;
      for (let j = 0; j < n; j++) DU[ur + j] += v * dz[dr + j];
    }
    const mm = this.engine.mm;
    const D = DU.subarray(0, nU * n);
    // dz^T h = (W_U^T D_U)^T, with W_U^T materialised so that tfjs sees no transposed operand
    transpose(WU.subarray(0, nU * m), nU, m, this.WUT);
    transpose(mm(this.WUT.subarray(0, nU * m), D, m, nU, n), m, n, gW);
    const XG = mm(D, W, nU, n, m);
    for (let u = 0; u < nU; u++) {
      const wr = uFeat[u] * m;
      const xr = u * m;
      for (let c = 0; c < m; c++) gW[wr + c] += XG[xr + c];
    }
  }
}
