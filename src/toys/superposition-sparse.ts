import type { SparseBatch } from './superposition-batch';
import type { DenseBackward, SuperpositionParams } from './superposition-dense';

/**
 * The sparse backward of the superposition toy. Once training has started, y = relu(x W W^T + b) is
 * zero almost everywhere (well under 1% of the B x n outputs after ~1500 steps): only candidate
 * outputs are evaluated, the nonzero output gradients are listed, and under `sparseBelow` density the
 * backward runs on the list in plain JS (2m multiply-adds per entry); otherwise on a dense dz built
 * from it, through the dense path's inputGradients.
 */
export class SparseBackward {
  /** Fraction of the B x n outputs with a nonzero gradient in the last batch. */
  density = 1;
  /** Whether the last batch took the list path (not the fallback to dense products). */
  listed = false;
  private readonly h: Float32Array;
  private readonly g1: Float32Array;
  private readonly dz: Float32Array;
  private readonly zrow: Float32Array;
  private nzIdx: Int32Array;
  private nzVal: Float32Array;
  private candIdx: Int32Array;
  private readonly candStart: Int32Array;
  private readonly bPos: Int32Array;
  private nbPos = 0;
  /** Listed entries: the positive outputs (nOut of them), then the targets' entries (up to nListed). */
  private nOut = 0;
  private nListed = 0;

  constructor(n: number, m: number, batch: number, private readonly dense: DenseBackward) {
    this.h = new Float32Array(batch * m);
    this.g1 = new Float32Array(batch * m);
    this.dz = new Float32Array(batch * n);
    this.zrow = new Float32Array(n);
    this.nzIdx = new Int32Array(1024);
    this.nzVal = new Float32Array(1024);
    this.candIdx = new Int32Array(0);
    this.candStart = new Int32Array(n + 1);
    this.bPos = new Int32Array(n);
  }

  /** Writes gW and gb from G = G_U [nU, n]; returns the batch's summed squared error. */
  run(p: SuperpositionParams, x: SparseBatch, G: Float32Array, sparseBelow: number): number {
    const { n, m, batch: B, W } = p;
    const { nAct, actRow, actFeat, actVal } = x;
    // h = x W (a gather of the active rows of W)
    const h = this.h;
    h.fill(0);
    for (let k = 0; k < nAct; k++) {
      const v = actVal[k];
      const hr = actRow[k] * m;
      const wr = actFeat[k] * m;
      for (let j = 0; j < m; j++) h[hr + j] += v * W[wr + j];
    }
    this.candidates(p, G, x.nU);
    const loss = this.targets(p, x, G, this.outputs(p, x, G));
    this.density = this.nOut / (B * n);
    this.listed = this.density < sparseBelow;
    if (this.listed) this.listBackward(p, x);
    else this.denseFallback(p, x);
    return loss;
  }

  /**
   * Candidate outputs, so that most rows are not swept in full: y = v G_U[u, j] + b_j with v < 2 can be
   * positive only where b_j + 2 max(G_U[u, j], 0) > 0 (exact in float32 rounding, which is monotone).
   * Per distinct active feature u, the outputs j that can be positive; and the j with b_j > 0.
   */
  private candidates(p: SuperpositionParams, G: Float32Array, nU: number): void {
    const { n, b } = p;
    if (this.candIdx.length < nU * n) this.candIdx = new Int32Array(nU * n);
    const candIdx = this.candIdx;
    const candStart = this.candStart;
    let c = 0;
    for (let u = 0; u < nU; u++) {
      candStart[u] = c;
      const gr = u * n;
      for (let j = 0; j < n; j++) {
        const g = G[gr + j];
        if (b[j] + 2 * (g > 0 ? g : 0) > 0) candIdx[c++] = j;
      }
    }
    candStart[nU] = c;
    let nbPos = 0;
    for (let j = 0; j < n; j++) if (b[j] > 0) this.bPos[nbPos++] = j;
    this.nbPos = nbPos;
  }

  /** Lists the positive outputs y (entry index, value) in nOut; returns the sum of their y^2. */
  private outputs(p: SuperpositionParams, x: SparseBatch, G: Float32Array): number {
    const { n, batch: B, b } = p;
    const { actVal, actU, rowStart, rowActs } = x;
    const { candStart, candIdx, bPos, nbPos, zrow } = this;
    let loss = 0;
    let nz = 0;
    for (let r = 0; r < B; r++) {
      const o = r * n;
      const k0 = rowStart[r];
      const cnt = rowStart[r + 1] - k0;
      if (cnt === 0) {
        // no active input: y = relu(b)
        for (let q = 0; q < nbPos; q++) {
          const j = bPos[q];
          const y = b[j];
          nz = this.pushNonzero(nz, o + j, y);
          loss += y * y;
        }
      } else if (cnt === 1) {
        const k = rowActs[k0];
        const v = actVal[k];
        const gr = actU[k] * n;
        for (let q = candStart[actU[k]], q1 = candStart[actU[k] + 1]; q < q1; q++) {
          const j = candIdx[q];
          const y = Math.fround(v * G[gr + j]) + b[j];
          if (y > 0) {
            nz = this.pushNonzero(nz, o + j, y);
            loss += y * y;
          }
        }
      } else {
        // several active inputs: the row in full, added in the dense path's order
        zrow.fill(0);
        for (let q = k0; q < k0 + cnt; q++) {
          const k = rowActs[q];
          const v = actVal[k];
          const gr = actU[k] * n;
          for (let j = 0; j < n; j++) zrow[j] += v * G[gr + j];
        }
        for (let j = 0; j < n; j++) {
          const y = zrow[j] + b[j];
          if (y > 0) {
            nz = this.pushNonzero(nz, o + j, y);
            loss += y * y;
          }
        }
      }
    }
    this.nOut = nz;
    return loss;
  }

  /**
   * The targets: loss (y - v)^2 instead of y^2 at the active inputs, and a listed gradient entry -v
   * where y > 0 (after the outputs, up to nListed). Returns the loss with the outputs' part added.
   */
  private targets(p: SuperpositionParams, x: SparseBatch, G: Float32Array, outputsLoss: number): number {
    const { n, b } = p;
    const { nAct, actRow, actFeat, actVal, actU, rowStart, rowActs } = x;
    let loss = outputsLoss;
    let nzAll = this.nOut;
    for (let k = 0; k < nAct; k++) {
      const f = actFeat[k];
      const r = actRow[k];
      let zz = 0;
      for (let q = rowStart[r]; q < rowStart[r + 1]; q++) {
        const k2 = rowActs[q];
        zz = Math.fround(zz + actVal[k2] * G[actU[k2] * n + f]);
      }
      const y = Math.max(0, zz + b[f]);
      const v = actVal[k];
      loss += (y - v) * (y - v) - y * y;
      if (y > 0) nzAll = this.pushNonzero(nzAll, r * n + f, -v);
    }
    this.nListed = nzAll;
    return loss;
  }

  /** g1 = dz W, gW = dz^T h + x^T g1, gb = sum over samples of dz, all over the listed entries. */
  private listBackward(p: SuperpositionParams, x: SparseBatch): void {
    const { n, m, batch: B, W, gW, gb } = p;
    const { nAct, actRow, actFeat, actVal } = x;
    const { h, g1, nzIdx, nzVal, nListed } = this;
    const scale = 2 / (B * n);
    gb.fill(0);
    g1.fill(0);
    gW.fill(0);
    for (let k = 0; k < nListed; k++) {
      const idx = nzIdx[k];
      const g = nzVal[k] * scale;
      const r = (idx / n) | 0;
      const j = idx - r * n;
      gb[j] += g;
      const ro = r * m;
      const wo = j * m;
      for (let c = 0; c < m; c++) {
        g1[ro + c] += g * W[wo + c];
        gW[wo + c] += g * h[ro + c];
      }
    }
    // x^T (dz W): a scatter into the active rows of W
    for (let k = 0; k < nAct; k++) {
      const v = actVal[k];
      const gr = actRow[k] * m;
      const wr = actFeat[k] * m;
      for (let c = 0; c < m; c++) gW[wr + c] += v * g1[gr + c];
    }
  }

  /** Too many nonzero outputs for the list: a dense dz built from it, then the dense path's products. */
  private denseFallback(p: SuperpositionParams, x: SparseBatch): void {
    const { n, batch: B, gb } = p;
    const { dz, nzIdx, nzVal, nListed } = this;
    const scale = 2 / (B * n);
    gb.fill(0);
    dz.fill(0);
    for (let k = 0; k < nListed; k++) dz[nzIdx[k]] += nzVal[k] * scale;
    for (let r = 0; r < B; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) gb[j] += dz[o + j];
    }
    this.dense.inputGradients(p, x, dz);
  }

  private pushNonzero(k: number, idx: number, val: number): number {
    if (k === this.nzIdx.length) {
      const i2 = new Int32Array(k * 2);
      i2.set(this.nzIdx);
      const v2 = new Float32Array(k * 2);
      v2.set(this.nzVal);
      this.nzIdx = i2;
      this.nzVal = v2;
    }
    this.nzIdx[k] = idx;
    this.nzVal[k] = val;
    return k + 1;
  }
}
