/** The parameters of residual MLP blocks, shared by the network (residual-net) and its lockstep trainer (residual-stack). */

/** One residual block's parameters: h <- h + relu(rms(h) F + c)^2 P. */
export interface Layer {
  F: Float32Array; // [d, H]
  c: Float32Array; // [H]
  P: Float32Array; // [H, d]
}

/** What the lockstep forward and backward need of a network: its width, hidden size and layers. */
export interface ResidualParams {
  readonly d: number;
  readonly H: number;
  readonly layers: Layer[];
}
