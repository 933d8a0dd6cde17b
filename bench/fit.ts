/**
 * Fitting benchmark (issue 3). Run after `npx tsc -p tsconfig.test.json`:
 *   node build/bench/fit.js            full comparison (scipy's 4,500 L-BFGS-B runs take minutes)
 *   node build/bench/fit.js --quick    scipy on every 10th grid start only (its time is then extrapolated x10)
 *
 * 1. Epoch AI's Chinchilla fit (240 points, Huber 1e-3 summed on log L, Hoffmann's 4,500-point grid) with
 *    fitLaw, and the same fit with scipy.optimize.minimize(method='L-BFGS-B') as in Epoch's notebook
 *    (bench/fit_scipy.py with Debian's python3-scipy, default tolerances, finite-difference gradients), on
 *    this machine in this run.
 *    Prints both objective values (the same summed Huber definition) and the time ratio.
 * 2. fitUniversal with 1,000 bootstrap resamples on the 245 Chinchilla points.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fitLaw, fitUniversal } from '../src/fit';
import { datasets } from '../src/data';

const quick = process.argv.includes('--quick');
const e = datasets.epochChinchilla({ as: 'columns' });
const L = e.loss as number[];
const threshold = [...L].sort((a, b) => a - b)[L.length - 5];
const keep = L.map((v, i) => (v < threshold ? i : -1)).filter((i) => i >= 0);

// warm-up (JIT) on a few starts, not timed
fitLaw(e, 'chinchilla', { exclude: { highestLoss: 5 }, starts: [{ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 }], bootstrap: 0 });
let t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const ours = fitLaw(e, 'chinchilla', { exclude: { highestLoss: 5 }, objective: { huber: 1e-3 }, starts: 'hoffmann', bootstrap: 0 });
const oursSec = Number(process.hrtime.bigint() - t0) / 1e9;
const cu = process.cpuUsage(c0);
const oursCpu = (cu.user + cu.system) / 1e6;
const p = ours.params;
console.log(`scalinglab fitLaw, Hoffmann grid (4500 starts, n = ${ours.n}): ${oursSec.toFixed(2)} s wall, ${oursCpu.toFixed(2)} s CPU`);
console.log(`  objective ${ours.objective.toExponential(8)}  converged ${ours.converged}`);
console.log(`  ${ours.notes!.starts}`);
console.log(`  E ${p.E.value.toFixed(4)}  A ${p.A.value.toFixed(1)}  B ${p.B.value.toFixed(1)}  alpha ${p.alpha.value.toFixed(4)}  beta ${p.beta.value.toFixed(4)}`);

const script = [resolve(__dirname, 'fit_scipy.py'), resolve(__dirname, '..', '..', 'bench', 'fit_scipy.py')].find(existsSync);
// Debian's python3-scipy (the issue's reference), else the first python3 on PATH with scipy.
const python = ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import scipy, numpy'], { encoding: 'utf8' }).status === 0);
if (!script || !python) {
  console.log(`scipy comparison skipped: ${!script ? 'bench/fit_scipy.py not found' : 'python3 with scipy not available (Debian: apt-get install python3-scipy)'}`);
} else {
  const input = { params: keep.map((i) => e.params[i]), tokens: keep.map((i) => e.tokens[i]), loss: keep.map((i) => L[i]), mode: 'sum', ...(quick ? { stride: 10 } : {}) };
  const version = spawnSync(python, ['-c', 'import scipy, numpy, sys; print(scipy.__version__, numpy.__version__, sys.version.split()[0])'], { encoding: 'utf8' }).stdout.trim().split(' ');
  console.log(`reference: ${python}, scipy ${version[0]}, numpy ${version[1]}, Python ${version[2]}`);
  const res = spawnSync(python, [script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) console.log(`scipy run failed: ${res.stderr}`);
  else {
    const s = JSON.parse(res.stdout);
    const scale = quick ? 4500 / s.starts : 1;
    const scipySec = s.seconds * scale, scipyCpu = s.cpuSeconds * scale;
    console.log(`scipy L-BFGS-B (Epoch's method), ${s.starts} starts${quick ? ` (every 10th; times x${scale.toFixed(1)} extrapolated to 4500)` : ''}: ${s.seconds.toFixed(2)} s wall, ${s.cpuSeconds.toFixed(2)} s CPU`);
    console.log(`  objective ${s.sumObjective.toExponential(8)}  (${s.message})`);
    console.log(`  E ${s.E.toFixed(4)}  A ${s.A.toFixed(1)}  B ${s.B.toFixed(1)}  alpha ${s.alpha.toFixed(4)}  beta ${s.beta.toFixed(4)}`);
    const rel = (ours.objective - s.sumObjective) / s.sumObjective;
    console.log(`objective: scalinglab ${rel <= 1e-9 ? 'same or lower' : 'HIGHER'} (relative difference ${rel.toExponential(2)})`);
    console.log(`time ratio scipy / scalinglab: ${(scipySec / oursSec).toFixed(1)}x wall, ${(scipyCpu / oursCpu).toFixed(1)}x CPU (goal >= 100x; CPU is the fairer measure on a shared machine)`);
  }
}

const chin = datasets.chinchilla({ as: 'columns' });
fitUniversal(chin, { bootstrap: 10 }); // warm-up
t0 = process.hrtime.bigint();
const u = fitUniversal(chin, { bootstrap: 1000, seed: 1 });
const uSec = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`fitUniversal, 1000 bootstrap resamples on ${u.n} points: ${uSec.toFixed(3)} s (goal < 1 s); c_m ${u.coefficients!.width.toFixed(1)} CI [${u.params.c_m.ci!.map((x) => x.toFixed(1)).join(', ')}]`);
