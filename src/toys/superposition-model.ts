import { Adam } from './adam';
import type { ToyContext } from './context';
import { transpose } from './engine';
import { SparseBatch } from './superposition-batch';
import { DenseBackward, SuperpositionParams } from './superposition-dense';
import { SparseBackward } from './superposition-sparse';

/**
 * One width of the superposition toy (docs/toys.md#superposition-width): parameters, AdamW state and
 * one training step with hand-written gradients of mean((relu(x W W^T + b) - x)^2). W [n, m] is
 * row-major, so gathers, scatters and row norms are contiguous. Two kinds of sparsity make it fast:
 * the inputs (a batch touches a few dozen distinct features, so the products run over those rather
 * than over the samples: see gradients()), and, once training has started, the outputs (see
 * SparseBackward). While more than `sparseBelow` (default 0.03, measured best at n = 1000, m = 100,
 * B = 256) of the outputs are active, the backward uses dense tfjs products (DenseBackward).
 */
export class SuperpositionModel implements SuperpositionParams {
  readonly W: Float32Array; // [n, m]
  private readonly WT: Float32Array; // [m, n], refreshed from W each step
  readonly b: Float32Array; // [n]
  /** W at the batch's distinct active features, [nU, m]. */
  readonly WU: Float32Array;
  /** Gradients of the last batch's loss (after gradients() or step()). */
  readonly gW: Float32Array;
  readonly gb: Float32Array;
  /** Outputs with a nonzero gradient in the last step, as a fraction of B x n. */
  lastDensity = 1;
  /** Steps that took the sparse backward path. */
  sparseSteps = 0;
  private readonly adamW: Adam;
  private readonly adamB: Adam;
  private readonly rowScale: Float64Array;
  private readonly x: SparseBatch;
  private readonly dense: DenseBackward;
  private readonly sparse: SparseBackward;

  constructor(readonly n: number, readonly m: number, readonly batch: number, readonly p: Float64Array, private readonly ctx: ToyContext,
    readonly sparseBelow = 0.03) {
    const { rng } = ctx;
    // W [n, m] ~ N(0, 1/m), drawn in row order so the numbers match a row-major W
    this.W = rng.fillNormal(new Float32Array(n * m), 1 / Math.sqrt(m));
    this.WT = new Float32Array(n * m);
    this.b = rng.fillNormal(new Float32Array(n), 1);
    this.WU = new Float32Array(n * m);
    this.gW = new Float32Array(n * m);
    this.gb = new Float32Array(n);
    this.adamW = new Adam(n * m);
    this.adamB = new Adam(n);
    this.rowScale = new Float64Array(n);
    this.x = new SparseBatch(n, batch, p, rng);
    this.dense = new DenseBackward(n, m, batch, ctx.engine);
    this.sparse = new SparseBackward(n, m, batch, this.dense);
  }

  /** W [n, m] (a copy). */
  weights(): Float32Array {
    return this.W.slice();
  }

  /** One AdamW step at learning rate lr with signed decay gamma; returns the batch loss before it. */
  step(lr: number, gamma: number): number {
    const loss = this.gradients();
    const { n, m, W } = this;
    // decoupled signed weight decay on W (before the Adam update, at the current lr), fused into it
    const scale = this.rowScale;
    if (gamma > 0) {
      scale.fill(1 - lr * gamma);
    } else if (gamma < 0) {
      // W_i += lr gamma W_i (1 - 1/|W_i|): gradient descent on (|gamma|/2) sum_i (|W_i| - 1)^2
      for (let i = 0; i < n; i++) {
        const o = i * m;
        let s = 0;
        for (let j = 0; j < m; j++) s += W[o + j] * W[o + j];
        scale[i] = 1 + lr * gamma * (1 - 1 / (Math.sqrt(s) + 1e-8));
      }
    } else {
      scale.fill(1);
    }
    this.adamW.stepScaled(W, this.gW, lr, scale, m);
    this.adamB.step(this.b, this.gb, lr);
    return loss;
  }

  /**
   * Draws a batch and writes the gradients of mean((relu(x W W^T + b) - x)^2) into gW and gb; returns
   * the batch loss (squared error summed over features, averaged over samples).
   *
   * The inputs are sparse: a sample has about one active feature (sum p_i = 1), and a batch only a few
   * dozen distinct ones (about 51 of 1000 for alpha = 1.5 and B = 256). So the products run over the U
   * distinct active features instead of the B samples: z = x W W^T is assembled from the rows
   * G_U = W_U W^T, and the input-side gradients from D_U = x_U^T dz (see DenseBackward.inputGradients).
   * That is U/B of the dense work. The previous step's output density picks the backward path.
   */
  gradients(): number {
    const { m, W, WU, x } = this;
    x.draw();
    const { nU, uFeat } = x;
    for (let u = 0; u < nU; u++) WU.set(W.subarray(uFeat[u] * m, uFeat[u] * m + m), u * m);
    const G = this.G(nU);
    let loss: number;
    if (this.lastDensity >= this.sparseBelow) {
      loss = this.dense.run(this, x, G);
      this.lastDensity = this.dense.density;
    } else {
      loss = this.sparse.run(this, x, G, this.sparseBelow);
      this.lastDensity = this.sparse.density;
      if (this.sparse.listed) this.sparseSteps++;
    }
    return loss / this.batch;
  }

  /** G_U = W_U W^T (W^T materialised), U x n: z = x W W^T = sum over active entries of v G_U[u]. */
  private G(nU: number): Float32Array {
    if (nU === 0) return new Float32Array(0);
    transpose(this.W, this.n, this.m, this.WT);
    return this.ctx.engine.mm(this.WU.subarray(0, nU * this.m), this.WT, nU, this.m, this.n);
  }

  /** Distinct active features in the last batch (U: the row count of the products). */
  get activeFeatures(): number {
    return this.x.nU;
  }

  /** The last batch as a dense [B, n] matrix (for checks; training never builds it). */
  lastBatch(): Float32Array {
    return this.x.dense();
  }

  /** Fraction of rows with norm > 1/2, and the mean squared overlap of the row-normalised W over pairs. */
  metrics(): { represented: number; overlap: number; norms: Float64Array } {
    const { n, m } = this;
    const W = this.weights();
    const norms = new Float64Array(n);
    const Wn = new Float32Array(n * m);
    let rep = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += W[i * m + j] ** 2;
      const nr = Math.sqrt(s);
      norms[i] = nr;
      if (nr > 0.5) rep++;
      for (let j = 0; j < m; j++) Wn[i * m + j] = W[i * m + j] / (nr + 1e-12);
    }
    // sum_{i,j} (w_i . w_j)^2 = ||W^T W||_F^2; remove the diagonal sum_i ||w_i||^4
    const WnT = transpose(Wn, n, m);
    const G = this.ctx.engine.mm(WnT, Wn, m, n, m);
    let fro = 0;
    for (let i = 0; i < G.length; i++) fro += G[i] * G[i];
    let diag = 0;
    for (let i = 0; i < n; i++) {
      const q = norms[i] / (norms[i] + 1e-12);
      diag += q ** 4;
    }
    return { represented: rep / n, overlap: (fro - diag) / (n * (n - 1)), norms };
  }
}
