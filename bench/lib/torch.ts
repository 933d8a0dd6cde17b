/**
 * The PyTorch references of bench/toys.ts: each script in bench/ trains the same model as a toy on the
 * CPU in float32 with torch.set_num_threads(1) and prints one JSON line with its steps per second.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface TorchRun { steps_per_s: number; threads: number; torch: string; blas: string }

const PYTHON = '/usr/bin/python3';

/**
 * Debian's PyTorch takes its BLAS from the system's libblas.so.3, which may be the slow reference
 * implementation (netlib); OpenBLAS (apt-get install libopenblas0-pthread) is put first for the
 * reference runs, single-threaded, so that PyTorch gets a fast BLAS whatever the system default is.
 */
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

function torchEnv(): { env: NodeJS.ProcessEnv; blas: string } {
  if (fs.existsSync(path.join(OPENBLAS, 'libblas.so.3'))) {
    return { env: { ...process.env, LD_LIBRARY_PATH: [OPENBLAS, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), OPENBLAS_NUM_THREADS: '1' }, blas: 'OpenBLAS' };
  }
  let target = 'unknown';
  try { target = fs.realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3'); } catch { /* no system BLAS link */ }
  return { env: process.env, blas: `system BLAS ${target}${/\/blas\//.test(target) ? ' (the slow reference BLAS: apt-get install libopenblas0-pthread)' : ''}` };
}

/** Runs bench/<script> with the arguments (and --threads 1); a message instead when PyTorch is missing or the run fails. */
export function runTorch(script: string, args: string[]): TorchRun | string {
  if (!fs.existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
    return 'PyTorch reference skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)';
  }
  const file = path.join(__dirname, '..', '..', '..', 'bench', script);
  const { env, blas } = torchEnv();
  const r = spawnSync(PYTHON, [file, ...args, '--threads', '1'], { encoding: 'utf8', env });
  if (r.status !== 0) return `PyTorch reference failed: ${r.stderr.trim().split('\n').pop()}`;
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<TorchRun, 'blas'>), blas };
}

/**
 * PyTorch before and after ours (the load of a shared machine drifts), and the ratio of our steps per
 * second to their mean. `ours` returns steps per second.
 */
export async function againstTorch(label: string, script: string, args: string[], ours: () => Promise<number>): Promise<void> {
  const before = runTorch(script, args);
  const rate = await ours();
  if (typeof before === 'string') {
    console.log(`${label}: scalinglab ${rate.toFixed(1)} steps/s; ${before}`);
    return;
  }
  const after = runTorch(script, args);
  if (typeof after === 'string') {
    console.log(`${label}: scalinglab ${rate.toFixed(1)} steps/s; ${after}`);
    return;
  }
  const torch = (before.steps_per_s + after.steps_per_s) / 2;
  console.log(`${label}: scalinglab ${rate.toFixed(1)} steps/s; PyTorch ${after.torch} (CPU, float32, ${after.threads} thread, ${after.blas})`
    + ` ${before.steps_per_s.toFixed(1)} before and ${after.steps_per_s.toFixed(1)} after, mean ${torch.toFixed(1)};`
    + ` ratio ${(rate / torch).toFixed(2)} (goal >= 2)`);
}
