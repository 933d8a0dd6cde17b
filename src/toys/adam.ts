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
