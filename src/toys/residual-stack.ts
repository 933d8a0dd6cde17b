import type { Engine } from './engine';
import { transpose } from './engine';
import type { Layer, ResidualParams } from './residual-layer';
import { inverseRms } from './rms';

/** Per layer index, stacked over the networks active there: the forward's inputs and activations. */
interface ForwardBuffers {
  /** u = rms(h), [S, B, d] */
  U: Float32Array;
  /** 1 / rms(h) per row, [S, B] */
  INV: Float32Array;
  /** relu(a), [S, B, H]; kept only for training */
  R: Float32Array | undefined;
  /** s = relu(a)^2, [S, B, H] */
  SQ: Float32Array;
  /** the layers' F and P, stacked */
  Fcat: Float32Array;
  Pcat: Float32Array;
  /** the products' outputs: a = u F [S, B, H] and the update s P [S, B, d] */
  A: Float32Array;
  UP: Float32Array;
}

/** Per layer index: the backward's work buffers (transposes materialised) and products' outputs, reused every step. */
type BackwardBuffers = Record<'G' | 'ST' | 'UT' | 'PT' | 'FT' | 'da' | 'dP' | 'ds' | 'dF' | 'du', Float32Array>;

function forwardBuffers(S: number, B: number, d: number, H: number, keepRelu: boolean): ForwardBuffers {
  return {
    U: new Float32Array(S * B * d), INV: new Float32Array(S * B), R: keepRelu ? new Float32Array(S * B * H) : undefined,
    SQ: new Float32Array(S * B * H), Fcat: new Float32Array(S * d * H), Pcat: new Float32Array(S * H * d),
    A: new Float32Array(S * B * H), UP: new Float32Array(S * B * d),
  };
}

/** Views of the first S networks' parts of shared buffers (tfjs needs operands of the exact size). */
function firstNetworks(f: ForwardBuffers, S: number, B: number, d: number, H: number): ForwardBuffers {
  return {
    U: f.U.subarray(0, S * B * d), INV: f.INV.subarray(0, S * B), R: undefined,
    SQ: f.SQ.subarray(0, S * B * H), Fcat: f.Fcat.subarray(0, S * d * H), Pcat: f.Pcat.subarray(0, S * H * d),
    A: f.A.subarray(0, S * B * H), UP: f.UP.subarray(0, S * B * d),
  };
}

function backwardBuffers(S: number, B: number, d: number, H: number): BackwardBuffers {
  return {
    G: new Float32Array(S * B * d), ST: new Float32Array(S * H * B), UT: new Float32Array(S * d * B), PT: new Float32Array(S * d * H),
    FT: new Float32Array(S * H * d), da: new Float32Array(S * B * H),
    dP: new Float32Array(S * H * d), ds: new Float32Array(S * B * H), dF: new Float32Array(S * d * H), du: new Float32Array(S * B * d),
  };
}

/** sq = relu(a + c)^2 row-wise (and r = relu(a + c) when asked). */
function biasReluSquare(a: Float32Array, bias: Float32Array, sq: Float32Array, r: Float32Array | undefined, B: number, H: number): void {
  if (r) {
    for (let b = 0; b < B; b++) {
      const o = b * H;
      for (let j = 0; j < H; j++) {
        const v = a[o + j] + bias[j];
        const x = v > 0 ? v : 0;
        r[o + j] = x;
        sq[o + j] = x * x;
      }
    }
  } else {
    for (let b = 0; b < B; b++) {
      const o = b * H;
      for (let j = 0; j < H; j++) {
        const v = a[o + j] + bias[j];
        const x = v > 0 ? v : 0;
        sq[o + j] = x * x;
      }
    }
  }
}

/**
 * The forward and backward of residual MLPs (ResidualNet), for several networks of one width in
 * lockstep on the same batch size: at layer index k the networks deeper than k run together, so each
 * tfjs call is one batched product over them (max depth calls per pass instead of the sum of the
 * depths). A single network is a stack of one. With `train` false the activations are not kept
 * (one set of buffers serves every layer) and only forward() is available.
 */
export class ResidualStack {
  readonly maxDepth: number;
  private readonly d: number;
  private readonly H: number;
  /** active[k]: indices of the networks with depth > k. */
  private readonly active: number[][] = [];
  private readonly fwd: ForwardBuffers[] = [];
  private readonly bwd: BackwardBuffers[] = [];

  constructor(readonly nets: ResidualParams[], readonly B: number, private readonly engine: Engine, readonly train: boolean) {
    const { d, H } = nets[0];
    this.d = d;
    this.H = H;
    const depths = nets.map((n) => n.layers.length);
    this.maxDepth = Math.max(...depths);
    const shared = train ? undefined : forwardBuffers(nets.length, B, d, H, false);
    for (let k = 0; k < this.maxDepth; k++) {
      const act = depths.map((l, i) => (l > k ? i : -1)).filter((i) => i >= 0);
      this.active.push(act);
      const S = act.length;
      this.fwd.push(shared ? firstNetworks(shared, S, B, d, H) : forwardBuffers(S, B, d, H, true));
      if (train) this.bwd.push(backwardBuffers(S, B, d, H));
    }
  }

  /**
   * hs[i] [B, d] for network i, in place: becomes its last residual state (before the final rms).
   * With `from` and `to`, only layers from..to-1 (a long pass can then stop between layers).
   */
  forward(hs: Float32Array[], from = 0, to = this.maxDepth): void {
    const { d, H, B, engine } = this;
    for (let k = from; k < to; k++) {
      const act = this.active[k];
      const S = act.length;
      const { U, INV, R, SQ, Fcat, Pcat, A, UP } = this.fwd[k];
      for (let q = 0; q < S; q++) {
        const h = hs[act[q]];
        const L = this.nets[act[q]].layers[k];
        Fcat.set(L.F, q * d * H);
        Pcat.set(L.P, q * H * d);
        const uo = q * B * d;
        for (let b = 0; b < B; b++) {
          const o = b * d;
          const inv = inverseRms(h, o, d);
          INV[q * B + b] = inv;
          for (let j = 0; j < d; j++) U[uo + o + j] = h[o + j] * inv;
        }
      }
      const a = engine.bmm(U, Fcat, S, B, d, H, A);
      for (let q = 0; q < S; q++) {
        const off = q * B * H;
        biasReluSquare(a.subarray(off, off + B * H), this.nets[act[q]].layers[k].c, SQ.subarray(off, off + B * H), R?.subarray(off, off + B * H), B, H);
      }
      const up = engine.bmm(SQ, Pcat, S, B, H, d, UP);
      for (let q = 0; q < S; q++) {
        const h = hs[act[q]];
        const off = q * B * d;
        for (let t = 0; t < B * d; t++) h[t] += up[off + t];
      }
    }
  }

  /**
   * After forward(hs) with train true. gs[i] [B, d]: dLoss/dh at network i's output on entry, dLoss/dh
   * at its input on exit; gradients are added into grads[i][k] (the layers' layout). Every product is
   * written without transposed operands.
   */
  backward(gs: Float32Array[], grads: Layer[][]): void {
    if (!this.train) throw new Error('ResidualStack.backward needs a stack built with train = true');
    const { d, H, B, engine } = this;
    for (let k = this.maxDepth - 1; k >= 0; k--) {
      const S = this.active[k].length;
      const { R } = this.fwd[k];
      const { G, ST, UT, PT, FT, da, dP, ds, dF, du } = this.bwd[k];
      this.gatherBackward(k, gs);
      // h_out = h_in + s P:  dP = s^T g,  ds = g P^T
      engine.bmm(ST, G, S, H, B, d, dP);
      engine.bmm(G, PT, S, B, d, H, ds);
      // s = relu(a)^2: da = 2 relu(a) ds
      for (let t = 0; t < da.length; t++) da[t] = 2 * R![t] * ds[t];
      // a = u F + c:  dF = u^T da,  du = da F^T
      engine.bmm(UT, da, S, d, B, H, dF);
      engine.bmm(da, FT, S, B, H, d, du);
      this.scatterBackward(k, gs, grads, dP, dF, du);
    }
  }

  /** Stacks layer k's output gradients and materialises the transposes its products need. */
  private gatherBackward(k: number, gs: Float32Array[]): void {
    const { d, H, B } = this;
    const act = this.active[k];
    const { U, SQ } = this.fwd[k];
    const { G, ST, UT, PT, FT } = this.bwd[k];
    for (let q = 0; q < act.length; q++) {
      const i = act[q];
      const L = this.nets[i].layers[k];
      G.set(gs[i], q * B * d);
      transpose(SQ.subarray(q * B * H, (q + 1) * B * H), B, H, ST.subarray(q * H * B, (q + 1) * H * B));
      transpose(U.subarray(q * B * d, (q + 1) * B * d), B, d, UT.subarray(q * d * B, (q + 1) * d * B));
      transpose(L.P, H, d, PT.subarray(q * d * H, (q + 1) * d * H));
      transpose(L.F, d, H, FT.subarray(q * H * d, (q + 1) * H * d));
    }
  }

  /** Adds layer k's parameter gradients into grads and carries the output gradients through rms to the layer's input. */
  private scatterBackward(k: number, gs: Float32Array[], grads: Layer[][], dP: Float32Array, dF: Float32Array, du: Float32Array): void {
    const { d, H, B } = this;
    const act = this.active[k];
    const { U, INV } = this.fwd[k];
    const { da } = this.bwd[k];
    for (let q = 0; q < act.length; q++) {
      const i = act[q];
      const Gr = grads[i][k];
      const pOff = q * H * d;
      for (let t = 0; t < H * d; t++) Gr.P[t] += dP[pOff + t];
      const fOff = q * d * H;
      for (let t = 0; t < d * H; t++) Gr.F[t] += dF[fOff + t];
      const aOff = q * B * H;
      for (let b = 0; b < B; b++) {
        const o = aOff + b * H;
        for (let j = 0; j < H; j++) Gr.c[j] += da[o + j];
      }
      // u = h / rms(h): dh = inv (du - u mean(du u)); the residual path keeps g itself
      const g = gs[i];
      const uOff = q * B * d;
      for (let b = 0; b < B; b++) {
        const o = b * d;
        let dot = 0;
        for (let j = 0; j < d; j++) dot += du[uOff + o + j] * U[uOff + o + j];
        dot /= d;
        const inv = INV[q * B + b];
        for (let j = 0; j < d; j++) g[o + j] += inv * (du[uOff + o + j] - U[uOff + o + j] * dot);
      }
    }
  }
}
