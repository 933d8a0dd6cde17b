/**
 * Benchmark of the toys (issues 7 and 13): each toy's training speed against the same model in PyTorch
 * on the same machine in the same run (bench/superposition_torch.py, softmax_torch.py,
 * residual_torch.py; Debian python3-torch, CPU, float32, torch.set_num_threads(1): the wasm backend
 * runs single-threaded in Node), the speed-up of a sweep on 2 workers against 1, and the exponents at
 * the defaults with their run times.
 *
 *   npx tsc -p tsconfig.test.json && node build/bench/toys.js [speed] [sweep] [exponents] [--quick] [--tied]
 *
 * The machine is shared: compare ratios measured within one run, not absolute times across runs. Each
 * PyTorch reference runs before and after ours, and the two are averaged, as the load drifts.
 */
import * as os from 'os';
import { runToy, sweepToy, ToyResult } from '../src/toys';
import { openEngine } from '../src/toys/engine';
import type { SweepOptions } from '../src/toys/sweep-types';
import { dispatchOrder } from '../src/toys/sweep-order';
import { Rng } from '../src/util/random';
import type { ToyContext } from '../src/toys/context';
import { warmupCosine } from '../src/toys/schedule';
import { featureProbabilities } from '../src/toys/superposition-batch';
import { SuperpositionModel } from '../src/toys/superposition-model';
import { againstTorch, runTorch } from './lib/torch';

const args = process.argv.slice(2);
const want = (k: string) => !args.some((a) => !a.startsWith('--')) || args.includes(k);
const quick = args.includes('--quick');

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function exponentRow(label: string, target: [number, number], run: () => Promise<ToyResult>): Promise<void> {
  const c0 = cpuSeconds();
  const r = await run();
  const cpu = cpuSeconds() - c0;
  const e = r.exponent;
  const ok = e.value >= target[0] && e.value <= target[1];
  console.log(`${label.padEnd(34)} exponent ${e.value.toFixed(3)} +/- ${e.stderr.toFixed(3)} [${e.ci[0].toFixed(2)}, ${e.ci[1].toFixed(2)}]`
    + `  target [${target[0]}, ${target[1]}] ${ok ? 'OK' : 'MISS'}  wall ${r.seconds.toFixed(1)} s  cpu ${cpu.toFixed(1)} s  (${r.backend}${r.seconds < 90 ? '' : ', over 90 s'})`);
  for (const n of r.notes.slice(0, 3)) console.log(`    ${n}`);
}

async function exponents(): Promise<void> {
  console.log('== exponents at the defaults ==');
  await exponentRow("softmax-time (T = 1e-3)", [0.28, 0.4], () => runToy('softmax-time', { seed: 0 }));
  await exponentRow("softmax-time (T = 0.1, flat)", [-Infinity, Infinity], () => runToy('softmax-time', { seed: 0, temperature: 0.1 }));
  await exponentRow("superposition-width strong", [0.8, 1.2], () => runToy('superposition-width', { regime: 'strong', seed: 0 }));
  await exponentRow("superposition-width weak a=1.5", [0.3, 0.7], () => runToy('superposition-width', { regime: 'weak', alpha: 1.5, seed: 0 }));
  await exponentRow("residual-depth independent", [0.7, 1.3], () => runToy('residual-depth', { teacher: 'independent', seed: 0 }));
  if (args.includes('--tied')) await exponentRow("residual-depth tied", [-Infinity, Infinity], () => runToy('residual-depth', { teacher: 'tied', seed: 0 }));
}

/** The superposition toy in detail: dense and sparse phases, achieved GFLOP/s, against PyTorch. */
async function speedSuperposition(): Promise<void> {
  console.log('== speed: superposition toy, n = 1000, m = 100, batch 256 ==');
  const n = 1000;
  const m = 100;
  const B = 256;
  const steps = quick ? 1500 : 4000;
  const torchArgs = ['--steps', '300', '--n', String(n), '--m', String(m), '--batch', String(B)];
  const before = runTorch('superposition_torch.py', torchArgs);
  if (typeof before === 'string') console.log(`  ${before}`);
  const engine = await openEngine('auto');
  try {
    const ctx: ToyContext = { engine, seed: 0, rng: new Rng(0), report: () => undefined, tick: async () => undefined, stepsToTrain: (s: number) => s };
    const model = new SuperpositionModel(n, m, B, featureProbabilities(n, 1.5), ctx);
    // as in the PyTorch script: 20 untimed warm-up steps (JIT, wasm start-up), then the timed steps
    const warmup = 20;
    const schedule = (s: number) => warmupCosine(s, steps + warmup, 0.01, 0.1, 0.05);
    for (let s = 0; s < warmup; s++) model.step(schedule(s), -1);
    const times: number[] = [];
    const t0 = performance.now();
    let sumU = 0;
    for (let s = 0; s < steps; s++) {
      model.step(schedule(s + warmup), -1);
      times.push(performance.now());
      sumU += model.activeFeatures;
    }
    const total = (times[steps - 1] - t0) / 1000;
    const rate = (a: number, b: number) => (b - a) / ((times[b - 1] - (a === 0 ? t0 : times[a - 1])) / 1000);
    const overall = steps / total;
    const early = rate(0, 300);
    const late = rate(steps - 1000, steps);
    const flopsPerStep = 3 * 2 * B * n * m; // forward h W^T plus the two dense backward products
    console.log(`scalinglab (tfjs ${engine.backend} products + JS): ${overall.toFixed(1)} steps/s over a full ${steps}-step run`
      + ` (first 300 timed steps, dense backward: ${early.toFixed(1)} steps/s; last 1000, sparse backward: ${late.toFixed(1)} steps/s;`
      + ` ${model.sparseSteps} of ${steps} steps sparse)`);
    // plain tfjs matMul of the same shapes, for the achieved-GFLOP/s comparison
    const tf = engine.tf;
    const shapes: Array<[number, number, number]> = [[B, m, n], [B, n, m], [m, B, n]];
    let matmulSeconds = 0;
    const reps = 50;
    for (const [M, K, N] of shapes) {
      const a = tf.randomNormal([M, K]);
      const b = tf.randomNormal([K, N]);
      tf.matMul(a, b).dispose();
      const s0 = performance.now();
      for (let r = 0; r < reps; r++) {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      }
      matmulSeconds += (performance.now() - s0) / 1000 / reps;
      a.dispose();
      b.dispose();
    }
    const plainGflops = flopsPerStep / matmulSeconds / 1e9;
    console.log(`  dense-equivalent work per step ${(flopsPerStep / 1e6).toFixed(1)} MFLOP: achieved ${(flopsPerStep * overall / 1e9).toFixed(1)} GFLOP/s`
      + ` (late, sparse phase ${(flopsPerStep * late / 1e9).toFixed(1)}) against ${plainGflops.toFixed(1)} GFLOP/s for plain tfjs matMuls of the same three shapes`
      + ` (${(1 / matmulSeconds).toFixed(1)} steps/s if a step were only those products).`
      + ` The toy runs its products over the distinct active features (U = ${(sumU / steps).toFixed(1)} on average) instead of the ${B} samples:`
      + ` at most ${(3 * 2 * (sumU / steps) * n * m / 1e6).toFixed(1)} MFLOP per step`);
    if (typeof before === 'string') return;
    // PyTorch reference, timed before and after our run (the machine is shared: load drifts)
    const after = runTorch('superposition_torch.py', torchArgs);
    if (typeof after === 'string') {
      console.log(`  ${after}`);
      return;
    }
    const torchRate = (before.steps_per_s + after.steps_per_s) / 2;
    console.log(`PyTorch ${after.torch} (CPU, ${after.threads} thread(s), ${after.blas}): ${before.steps_per_s.toFixed(1)} steps/s before, ${after.steps_per_s.toFixed(1)} after our run,`
      + ` mean ${torchRate.toFixed(1)} (its speed does not depend on the training state)`);
    console.log(`ratio scalinglab / PyTorch: ${(overall / torchRate).toFixed(2)} over the full run, ${(late / torchRate).toFixed(2)} in the sparse phase,`
      + ` ${(early / torchRate).toFixed(2)} in the dense phase (goal >= 2)`);
  } finally {
    await engine.close();
  }
}

/** softmax-time and residual-depth at their default sizes against the same models in PyTorch. */
async function speedOthers(): Promise<void> {
  console.log('== speed: softmax-time (vocab 128, dim 32, batch 1024) and residual-depth (depths 2,4,8,16, dim 16, hidden 64, batch 128) ==');
  await runToy('softmax-time', { steps: 20 }); // the backend warmed up
  const softSteps = quick ? 200 : 600;
  await againstTorch('softmax-time', 'softmax_torch.py', ['--steps', '300'], async () => {
    const r = await runToy('softmax-time', { steps: softSteps });
    return softSteps / r.seconds;
  });
  // a step trains every depth on one batch; the teacher's pool (8192 pairs here, in both) is set up before the timed steps
  const resSteps = quick ? 150 : 400;
  await againstTorch('residual-depth', 'residual_torch.py', ['--steps', '100', '--pool', '8192'], async () => {
    let started = 0;
    let firstDone = 0;
    let lastAt = 0;
    let lastDone = 0;
    await runToy('residual-depth', {
      steps: resSteps, pool: 8192,
      onProgress: (e) => {
        if (e.task.includes('teacher')) return;
        if (!started) { started = performance.now(); firstDone = e.done; }
        lastAt = performance.now();
        lastDone = e.done;
      },
    });
    return (lastDone - firstDone) / 4 / ((lastAt - started) / 1000);
  });
}

/** The busier worker's training time when the jobs' `seconds` are handed out in `order` to `workers` workers, each taking the next job when free (runPool's schedule). */
function greedyMakespan(seconds: number[], order: number[], workers: number): number {
  const busy = new Array<number>(workers).fill(0);
  for (const i of order) busy[busy.indexOf(Math.min(...busy))] += seconds[i];
  return Math.max(...busy);
}

/** One sweep on 1 and on 2 workers: the speed-up, the rows' sameness, and where the time goes. */
async function sweepOnWorkers(label: string, options: SweepOptions<'softmax-time'>): Promise<void> {
  const one = await sweepToy('softmax-time', { ...options, workers: 1 });
  const two = await sweepToy('softmax-time', { ...options, workers: 2 });
  const same = JSON.stringify(one.rows.map(({ seconds: _s, ...r }) => r)) === JSON.stringify(two.rows.map(({ seconds: _s, ...r }) => r));
  const secs = (rows: typeof one.rows) => rows.map((r) => r.seconds);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const sizes = Object.values(options.vary as Record<string, unknown[]>).map((v) => v.length);
  const makespan = greedyMakespan(secs(two.rows), dispatchOrder(sizes, two.rows.map(() => options.steps ?? 0)), 2);
  console.log(`${label}: 1 worker ${one.seconds.toFixed(1)} s, 2 workers ${two.seconds.toFixed(1)} s: speed-up ${(one.seconds / two.seconds).toFixed(2)} (goal >= 1.8);`
    + ` rows ${same ? 'identical' : 'DIFFERENT'}; ${os.availableParallelism()} cores`);
  // where the time goes: each configuration's own training seconds, measured inside its worker
  console.log(`  configurations' seconds: 1 worker ${secs(one.rows).map((s) => s.toFixed(2)).join(', ')} (sum ${sum(secs(one.rows)).toFixed(1)});`
    + ` 2 workers ${secs(two.rows).map((s) => s.toFixed(2)).join(', ')} (sum ${sum(secs(two.rows)).toFixed(1)}: ${(100 * (sum(secs(two.rows)) / sum(secs(one.rows)) - 1)).toFixed(0)}% slower side by side)`);
  console.log(`  the busier worker trains ${makespan.toFixed(1)} s of the 2-worker sweep's ${two.seconds.toFixed(1)} s (start-up and messages: ${(two.seconds - makespan).toFixed(1)} s);`
    + ` with these durations no schedule of whole configurations beats ${(one.seconds / (sum(secs(two.rows)) / 2 + two.seconds - makespan)).toFixed(2)}x`);
}

/**
 * The sweep's speed-up on 2 workers against 1. The goal is quoted on the first grid; its temperature
 * 3e-3 runs are slower (a flatter teacher leaves more exponentials to compute), so the second grid,
 * of equal-cost configurations, shows the pool's own scaling apart from the grid's imbalance.
 */
async function sweepSpeedup(): Promise<void> {
  const steps = quick ? 300 : 800;
  console.log(`== sweep: softmax-time, 4 configurations, ${steps} steps each ==`);
  await sweepOnWorkers('lr 0.04, 0.08 x temperature 1e-3, 3e-3', { steps, vary: { lr: [0.04, 0.08], temperature: [1e-3, 3e-3] } });
  await sweepOnWorkers('lr 0.02, 0.04, 0.08, 0.16 (temperature 1e-3; equal cost)', { steps, vary: { lr: [0.02, 0.04, 0.08, 0.16] } });
}

(async () => {
  if (want('speed')) {
    await speedSuperposition();
    await speedOthers();
  }
  if (want('sweep')) await sweepSpeedup();
  if (want('exponents')) await exponents();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
