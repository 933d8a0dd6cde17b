import type { Engine } from './engine';
import { ResidualStack } from './residual-stack';
import type { Layer } from './residual-layer';

export type { Layer };
import type { Rng } from '../util/random';

function uniformArray(rng: Rng, size: number, bound: number): Float32Array {
  return rng.fillUniform(new Float32Array(size), -bound, bound);
}

/** One layer, drawn in the order F, c, P. */
function randomLayer(rng: Rng, d: number, H: number, pScale: number): Layer {
  const F = uniformArray(rng, d * H, 1 / Math.sqrt(d));
  const c = uniformArray(rng, H, 1 / Math.sqrt(d));
  const P = pScale === 0 ? new Float32Array(H * d) : uniformArray(rng, H * d, 1 / Math.sqrt(H));
  if (pScale !== 0 && pScale !== 1) for (let i = 0; i < P.length; i++) P[i] *= pScale;
  return { F, c, P };
}

/**
 * A residual MLP (docs/toys.md#residual-depth): h <- h + relu(rms(h) F + c)^2 P per layer; the output
 * is rms(h). The parameters only: forward and backward are ResidualStack's, which runs several
 * networks in lockstep (a single network is a stack of one).
 */
export class ResidualNet {
  constructor(readonly d: number, readonly H: number, readonly layers: Layer[], private readonly engine: Engine) {}

  /** nn.Linear default init U(+-1/sqrt(fan_in)); P scaled by pScale (0 gives the zero-initialised student). */
  static random(rng: Rng, depth: number, d: number, H: number, pScale: number, tied: boolean, engine: Engine): ResidualNet {
    const layers: Layer[] = [];
    for (let k = 0; k < depth; k++) layers.push(tied && k > 0 ? layers[0] : randomLayer(rng, d, H, pScale));
    return new ResidualNet(d, H, layers, engine);
  }

  /** random() with `tick` awaited after every layer drawn (a wide teacher takes a while to draw); the same numbers. */
  static async randomTicking(rng: Rng, depth: number, d: number, H: number, pScale: number, tied: boolean, engine: Engine,
    tick: () => Promise<void>): Promise<ResidualNet> {
    const layers: Layer[] = [];
    for (let k = 0; k < depth; k++) {
      layers.push(tied && k > 0 ? layers[0] : randomLayer(rng, d, H, pScale));
      await tick();
    }
    return new ResidualNet(d, H, layers, engine);
  }

  /** Zero gradients in the layers' layout. */
  zeroGradients(): Layer[] {
    const { d, H } = this;
    return this.layers.map(() => ({ F: new Float32Array(d * H), c: new Float32Array(H), P: new Float32Array(H * d) }));
  }

  /** Runs the network on h [B, d] in place, without keeping activations (h becomes the last residual state, before the final rms). */
  forward(h: Float32Array, B: number): void {
    new ResidualStack([this], B, this.engine, false).forward([h]);
  }

  /** forward() with `tick` awaited after every layer, so that a long pass (the teacher over its pool) can be aborted. */
  async forwardTicking(h: Float32Array, B: number, tick: () => Promise<void>): Promise<void> {
    const stack = new ResidualStack([this], B, this.engine, false);
    for (let k = 0; k < stack.maxDepth; k++) {
      stack.forward([h], k, k + 1);
      await tick();
    }
  }
}
