import type { Rng } from '../util/random';

/** Feature frequencies p_i = i^-alpha / sum_j j^-alpha, i = 1..n. */
export function featureProbabilities(n: number, alpha: number): Float64Array {
  const p = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += p[i] = Math.pow(i + 1, -alpha);
  for (let i = 0; i < n; i++) p[i] /= s;
  return p;
}

/**
 * The superposition toy's sparse inputs x_i = Bernoulli(p_i) x U(0, 2), [batch, n], kept as a list of
 * active entries (row, feature, value), grouped by feature. A sample has about one active feature
 * (sum p_i = 1), so a batch touches only a few dozen distinct features: those are listed too (the rows
 * of the products, see SuperpositionModel), and the entries by row (for the output rows).
 */
export class SparseBatch {
  /** Active entries 0..nAct-1: sample (row), feature and value. */
  actRow: Int32Array;
  actFeat: Int32Array;
  actVal: Float32Array;
  nAct = 0;
  /** The nU distinct active features, and for each active entry the index of its feature among them. */
  readonly uFeat: Int32Array;
  actU: Int32Array;
  nU = 0;
  /** Entries by row: rowActs[rowStart[r] .. rowStart[r + 1]) are row r's, in increasing entry order. */
  readonly rowStart: Int32Array;
  rowActs: Int32Array;
  private readonly rowFill: Int32Array;
  private readonly logq: Float64Array;

  constructor(readonly n: number, readonly batch: number, p: Float64Array, private readonly rng: Rng) {
    this.logq = new Float64Array(n);
    for (let i = 0; i < n; i++) this.logq[i] = p[i] >= 1 ? -Infinity : Math.log1p(-p[i]);
    const cap = 4 * batch + 64;
    this.actRow = new Int32Array(cap);
    this.actFeat = new Int32Array(cap);
    this.actVal = new Float32Array(cap);
    this.actU = new Int32Array(cap);
    this.uFeat = new Int32Array(n);
    this.rowStart = new Int32Array(batch + 1);
    this.rowFill = new Int32Array(batch);
    this.rowActs = new Int32Array(0);
  }

  /** Room for this many active entries (the arrays grow when a batch needs more). */
  get capacity(): number {
    return this.actRow.length;
  }

  /** Draws a new batch and lists its distinct features and its entries by row. */
  draw(): void {
    this.sample();
    this.listFeatures();
    this.listByRow();
  }

  /** For each feature, the samples where it is active, found by geometric skips (about one draw per active entry plus one per feature). */
  private sample(): void {
    const { rng, logq } = this;
    const B = this.batch;
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      const lq = logq[i];
      let pos = -1;
      for (;;) {
        pos += lq === -Infinity ? 1 : 1 + Math.floor(Math.log(rng.uniformPositive()) / lq);
        if (pos >= B) break;
        if (k === this.actRow.length) this.grow();
        this.actRow[k] = pos;
        this.actFeat[k] = i;
        this.actVal[k] = 2 * rng.uniform();
        k++;
      }
    }
    this.nAct = k;
  }

  private grow(): void {
    const cap = this.actRow.length * 2;
    const r = new Int32Array(cap);
    r.set(this.actRow);
    const f = new Int32Array(cap);
    f.set(this.actFeat);
    const v = new Float32Array(cap);
    v.set(this.actVal);
    this.actRow = r;
    this.actFeat = f;
    this.actVal = v;
    this.actU = new Int32Array(cap);
  }

  /** The distinct active features (sample() lists the entries grouped by feature). */
  private listFeatures(): void {
    const { nAct, actFeat, actU, uFeat } = this;
    let nU = 0;
    for (let k = 0; k < nAct; k++) {
      const f = actFeat[k];
      if (k === 0 || f !== actFeat[k - 1]) uFeat[nU++] = f;
      actU[k] = nU - 1;
    }
    this.nU = nU;
  }

  /** Counting sort of the entries by row. */
  private listByRow(): void {
    const { batch: B, nAct, actRow, rowStart } = this;
    if (this.rowActs.length < nAct) this.rowActs = new Int32Array(this.actRow.length);
    const rowActs = this.rowActs;
    rowStart.fill(0);
    for (let k = 0; k < nAct; k++) rowStart[actRow[k] + 1]++;
    for (let r = 0; r < B; r++) rowStart[r + 1] += rowStart[r];
    const fill = this.rowFill;
    fill.set(rowStart.subarray(0, B));
    for (let k = 0; k < nAct; k++) rowActs[fill[actRow[k]]++] = k;
  }

  /** The batch as a dense [batch, n] matrix (for checks; training never builds it). */
  dense(): Float32Array {
    const x = new Float32Array(this.batch * this.n);
    for (let k = 0; k < this.nAct; k++) x[this.actRow[k] * this.n + this.actFeat[k]] = this.actVal[k];
    return x;
  }
}
