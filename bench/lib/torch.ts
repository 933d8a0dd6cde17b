/**
 * The PyTorch references of bench/toys.ts: each script in bench/ trains the same model as a toy on the
 * CPU in float32 with torch.set_num_threads(1) and prints one JSON line with its steps per second.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface TorchRun { steps_per_s: number; threads: number; torch: string }

const PYTHON = '/usr/bin/python3';

/** Runs bench/<script> with the arguments (and --threads 1); a message instead when PyTorch is missing or the run fails. */
export function runTorch(script: string, args: string[]): TorchRun | string {
  if (!fs.existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
    return 'PyTorch reference skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)';
  }
  const file = path.join(__dirname, '..', '..', '..', 'bench', script);
  const r = spawnSync(PYTHON, [file, ...args, '--threads', '1'], { encoding: 'utf8' });
  if (r.status !== 0) return `PyTorch reference failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchRun;
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
  console.log(`${label}: scalinglab ${rate.toFixed(1)} steps/s; PyTorch ${after.torch} (CPU, float32, ${after.threads} thread)`
    + ` ${before.steps_per_s.toFixed(1)} before and ${after.steps_per_s.toFixed(1)} after, mean ${torch.toFixed(1)};`
    + ` ratio ${(rate / torch).toFixed(2)} (goal >= 2)`);
}
