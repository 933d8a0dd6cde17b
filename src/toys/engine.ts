import * as path from 'path';
import * as fs from 'fs';
import { ScalingLabError } from '../errors';

// tfjs-core's typings: the whole of tfjs's (tfjs-layers) do not compile under --strict without skipLibCheck, and Engine is in the public typings.
type Tf = typeof import('@tensorflow/tfjs-core');

/** Where the dense matrix products of a toy ran. */
export type ToyBackend = 'tensorflow' | 'wasm' | 'cpu';
export const toyBackends: readonly ToyBackend[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * The compute engine of the toys. Every toy keeps its parameters, optimizer state and element-wise
 * work in plain Float32Arrays (cheap in JS, where tfjs pays a high fixed cost per small op) and sends
 * only the dense matrix products to tfjs, which runs them on the best backend available. All products
 * are written without transposed operands (transposes are materialised in JS first), because the
 * wasm backend's transposed matMul is 5 to 15 times slower than the plain one.
 */
export interface Engine {
  tf: Tf;
  backend: ToyBackend;
  /**
   * C[M,N] = A[M,K] B[K,N], row-major; tensors are created and disposed inside. With `out`, C is
   * written there (read straight from the wasm heap: no new buffer per call) and `out` is returned.
   */
  mm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, out?: Float32Array): Float32Array;
  /** Batched products: C[s] = A[s] B[s] for s < S, each A[s] [M,K], B[s] [K,N], stacked row-major (into `out` when given). */
  bmm(a: Float32Array, b: Float32Array, s: number, m: number, k: number, n: number, out?: Float32Array): Float32Array;
  /** Number of tfjs tensors alive when the engine was opened. */
  startTensors: number;
  /** Restores the tfjs backend that was active before (if the toy switched it). */
  close(): Promise<void>;
}

let wasmRegistered = false;

function realPackage(name: string): boolean {
  // tfjs-node may be an npm override alias of plain tfjs (danfo needs the name): only the real
  // package registers the native 'tensorflow' backend.
  try {
    const pj = require.resolve(`${name}/package.json`);
    const meta = JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string };
    return meta.name === name;
  } catch {
    return false;
  }
}

function tryNative(tf: Tf): boolean {
  if (tf.findBackend('tensorflow')) return true;
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    if (!realPackage(name)) continue;
    try {
      require(name);
    } catch {
      continue;
    }
    if (tf.findBackend('tensorflow') || tf.engine().registryFactory['tensorflow']) return true;
  }
  return false;
}

async function tryWasm(tf: Tf): Promise<boolean> {
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    if (!wasmRegistered) {
      const file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      wasm.setWasmPaths(path.dirname(file) + path.sep);
      wasmRegistered = true;
    }
    return !!tf.engine().registryFactory['wasm'];
  } catch {
    return false;
  }
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Runs a backend's initialisation and then removes exactly the process listeners it added. The wasm
 * backend's Emscripten module installs `uncaughtException` and `unhandledRejection` listeners that
 * re-throw, which turns any later unhandled error (in a kernel: in any cell) into an exit with code 7,
 * whatever handlers the user installed. It adds them once, when its module is instantiated.
 */
async function withoutAddedProcessListeners<T>(init: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process;
  const before = PROCESS_EVENTS.map((event) => new Set(emitter.listeners(event)));
  try {
    return await init();
  } finally {
    PROCESS_EVENTS.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[i].has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
  }
}

/** Switches tfjs to backend b; false when it cannot be initialised. */
async function switchTo(tf: Tf, b: ToyBackend): Promise<boolean> {
  try {
    const ok = tf.getBackend() === b || (await withoutAddedProcessListeners(async () => {
      const set = await tf.setBackend(b);
      await tf.ready();
      return set;
    }));
    return ok && tf.getBackend() === b;
  } catch {
    return false;
  }
}

/** Opens the engine on the requested backend, or the best available: tensorflow, wasm, cpu. */
export async function openEngine(requested: ToyBackend | 'auto' = 'auto'): Promise<Engine> {
  const tf = require('@tensorflow/tfjs') as Tf;
  const previous = tf.getBackend();
  let chosen: ToyBackend | undefined;
  const order: ToyBackend[] = requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [requested];
  for (const b of order) {
    if (b === 'tensorflow' && !tryNative(tf)) continue;
    if (b === 'wasm' && !(await tryWasm(tf))) continue;
    if (await switchTo(tf, b)) {
      chosen = b;
      break;
    }
  }
  if (!chosen) {
    const why = requested === 'tensorflow'
      ? 'the native backend needs @tensorflow/tfjs-node (or -node-gpu) installed for real (npm install @tensorflow/tfjs-node)'
      : requested === 'wasm'
        ? '@tensorflow/tfjs-backend-wasm could not be loaded or initialised'
        : 'no tfjs backend could be initialised';
    throw new ScalingLabError('backend-unavailable', `runToy: backend '${requested}' is not available: ${why}.`,
      "leave out the 'backend' option to use the best available one ('wasm' or 'cpu').");
  }
  const startTensors = tf.memory().numTensors;
  const backend = chosen;
  const heap = tf.backend() as { typedArrayFromHeap?(t: { dataId: object; shape: number[]; dtype: string }): Float32Array };
  const product = (a: Float32Array, b: Float32Array, shapeA: number[], shapeB: number[], out?: Float32Array): Float32Array => {
    const ta = tf.tensor(a, shapeA, 'float32');
    const tb = tf.tensor(b, shapeB, 'float32');
    let tc: import('@tensorflow/tfjs').Tensor | undefined;
    try {
      tc = tf.matMul(ta as import('@tensorflow/tfjs').Tensor2D, tb as import('@tensorflow/tfjs').Tensor2D);
      if (!out) return tc.dataSync() as Float32Array;
      out.set(backend === 'wasm' && heap.typedArrayFromHeap ? heap.typedArrayFromHeap(tc) : (tc.dataSync() as Float32Array));
      return out;
    } finally {
      ta.dispose();
      tb.dispose();
      tc?.dispose();
    }
  };
  return {
    tf,
    backend,
    startTensors,
    mm: (a, b, m, k, n, out) => product(a, b, [m, k], [k, n], out),
    // the wasm backend's batched matMul is 4 to 6 times slower than separate products: loop instead
    bmm: (a, b, s, m, k, n, out) => {
      if (s === 1) return product(a, b, [m, k], [k, n], out);
      const c = out ?? new Float32Array(s * m * n);
      for (let q = 0; q < s; q++) {
        product(a.subarray(q * m * k, (q + 1) * m * k), b.subarray(q * k * n, (q + 1) * k * n), [m, k], [k, n], c.subarray(q * m * n, (q + 1) * m * n));
      }
      return c;
    },
    async close() {
      if (previous && previous !== tf.getBackend() && tf.findBackend(previous)) {
        try {
          await tf.setBackend(previous);
        } catch {
          /* keep the toy's backend */
        }
      }
    },
  };
}

/** out[N,M] = A[M,N] transposed (materialised, so tfjs never sees a transposed operand). */
export function transpose(a: Float32Array, m: number, n: number, out = new Float32Array(m * n)): Float32Array {
  const B = 32;
  for (let i0 = 0; i0 < m; i0 += B) {
    const i1 = Math.min(m, i0 + B);
    for (let j0 = 0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let i = i0; i < i1; i++) {
        const row = i * n;
        for (let j = j0; j < j1; j++) out[j * m + i] = a[row + j];
      }
    }
  }
  return out;
}
