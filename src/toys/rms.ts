/**
 * The eps of torch's rms_norm, torch.finfo(float32).eps as it prints (1.1920929e-07). In double this
 * literal is not exactly 2^-23; it stays as written so that results do not change in the last bit.
 */
export const FLOAT32_EPSILON = 1.1920929e-7;

/** 1 / rms of x[offset .. offset + dim): 1 / sqrt(mean(x^2) + eps). */
export function inverseRms(x: Float32Array, offset: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += x[offset + j] * x[offset + j];
  return 1 / Math.sqrt(s / dim + FLOAT32_EPSILON);
}

/** Root-mean-square normalisation of each row of a [rows, dim] array, in place (no gain). */
export function rmsNormRows(x: Float32Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    const inv = inverseRms(x, o, dim);
    for (let j = 0; j < dim; j++) x[o + j] *= inv;
  }
}
