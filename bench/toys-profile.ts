/**
 * Where a toy's training step spends its time, next to PyTorch's whole step on the same machine: the
 * reason the toys' speed goal (>= 2x PyTorch, bench/toys.ts) is or is not within reach.
 *
 *   npx tsc -p tsconfig.test.json && node build/bench/toys-profile.js
 *
 * softmax-time: the phases of a step timed one by one through the model's public parts. residual-depth:
 * the self time of a CPU profile (node:inspector) of training, by kind of code. Shares within one run
 * are meaningful on a shared machine; absolute times are not.
 */
import { Session } from 'inspector';
import { runToy } from '../src/toys';
import { openEngine, transpose } from '../src/toys/engine';
import { rmsNormRows } from '../src/toys/rms';
import { SoftmaxTeacherStudent } from '../src/toys/softmax-time-model';
import { resolveSoftmaxTime } from '../src/toys/softmax-time-options';
import { Rng } from '../src/util/random';
import type { ToyContext } from '../src/toys/context';
import { runTorch } from './lib/torch';

/** Milliseconds per call of f, over n calls. */
function msPer(n: number, f: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
}

async function softmaxPhases(): Promise<void> {
  const [V, d, B] = [128, 32, 1024];
  console.log(`== softmax-time (vocab ${V}, dim ${d}, batch ${B}): milliseconds per step, by phase ==`);
  const engine = await openEngine('wasm');
  const rng = new Rng(0);
  const ctx = { engine, seed: 0, rng } as unknown as ToyContext;
  const model = new SoftmaxTeacherStudent(resolveSoftmaxTime({ vocab: V, dim: d, batch: B }), ctx);
  for (let i = 0; i < 50; i++) { model.loss(true); model.update(0.01); } // warmed up, the student off zero
  const n = 300;
  const x = new Float32Array(B * d);
  const xt = new Float32Array(B * d);
  const w = new Float32Array(d * 2 * V).map(() => rng.normal());
  const z = new Float32Array(B * 2 * V);
  const dz = new Float32Array(B * V).map(() => rng.normal());
  const g = new Float32Array(d * V);
  const step = msPer(n, () => { model.loss(true); model.update(0.01); });
  const loss = msPer(n, () => model.loss(true));
  const normals = msPer(n, () => { for (let i = 0; i < x.length; i++) x[i] = rng.normal(); rmsNormRows(x, B, d); });
  const forward = msPer(n, () => engine.mm(x, w, B, d, 2 * V, z));
  const gradient = msPer(n, () => { transpose(x, B, d, xt); engine.mm(xt, dz, d, B, V, g); });
  const rows: Array<[string, number]> = [
    ['inputs: B x d normals, rms-normalised (JS)', normals],
    ['forward product [B,d] x [d,2V] (tfjs wasm)', forward],
    ['softmax, KL and its gradient (JS, 2 exp per logit)', loss - normals - forward],
    ['gradient product x^T dz, with the transpose (tfjs wasm)', gradient],
    ['the rest: optimizer, bookkeeping (a remainder: noise can make it < 0)', step - loss - gradient],
  ];
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(58)} ${ms.toFixed(3)} ms  ${(100 * ms / step).toFixed(0).padStart(3)}%`);
  console.log(`  ${'whole step'.padEnd(58)} ${step.toFixed(3)} ms`);
  const torch = runTorch('softmax_torch.py', ['--steps', '300']);
  if (typeof torch === 'string') console.log(`  ${torch}`);
  else {
    const torchMs = 1000 / torch.steps_per_s;
    console.log(`  PyTorch ${torch.torch} (${torch.blas}, 1 thread): whole step ${torchMs.toFixed(3)} ms;`
      + ` our two products alone take ${(forward + gradient).toFixed(3)} ms (${((forward + gradient) / torchMs).toFixed(2)} of its step), our softmax ${((loss - normals - forward) / torchMs).toFixed(2)}`);
  }
  await engine.close();
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string } }

/** Self-time shares of a CPU profile of `work`, by the label `kind` gives each function. */
async function profileShares(work: () => Promise<void>, kind: (fn: string, url: string) => string): Promise<Map<string, number>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) =>
    session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  await work();
  const { profile } = (await post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[] } };
  session.disconnect();
  const label = new Map(profile.nodes.map((n) => [n.id, kind(n.callFrame.functionName, n.callFrame.url)]));
  const shares = new Map<string, number>();
  for (const id of profile.samples) shares.set(label.get(id)!, (shares.get(label.get(id)!) ?? 0) + 1 / profile.samples.length);
  return shares;
}

async function residualShares(): Promise<void> {
  console.log('== residual-depth (depths 2,4,8,16, dim 16, hidden 64, batch 128): share of training time, by kind of code ==');
  await runToy('residual-depth', { steps: 20, pool: 512, testSize: 64 }); // warmed up
  const shares = await profileShares(() => runToy('residual-depth', { steps: 600, pool: 512, testSize: 64 }).then(() => undefined), (fn, url) => {
    if (fn.startsWith('wasm-function')) return 'matrix products (XNNPACK in wasm)';
    if (url.includes('@tensorflow')) return 'tfjs per-call work (tensors, copies, kernel dispatch)';
    if (url.includes('/src/toys/')) return 'element-wise work in JS (rms, relu^2, residual adds, transposes, Adam)';
    if (fn === '(garbage collector)') return 'garbage collection';
    return 'other (module loading, idle, runtime)';
  });
  for (const [label, share] of [...shares].sort((a, b) => b[1] - a[1])) console.log(`  ${label.padEnd(72)} ${(100 * share).toFixed(0).padStart(3)}%`);
}

(async () => {
  await softmaxPhases();
  await residualShares();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
