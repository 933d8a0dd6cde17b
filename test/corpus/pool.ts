// Runs each corpus case in its own Node process, a few at a time, with a wall-clock limit and a
// resident-memory limit (V8's heap is capped by --max-old-space-size; the whole process, wasm and
// typed arrays included, is watched through /proc/<pid>/status and killed above the limit).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { caseKey, type Case } from './case';
import { MARKER, type ChildReport } from './child';
import type { ProcessOutcome } from './classify';

const CHILD = path.join(__dirname, 'child.js');
/** Wall-clock limit of a case; CORPUS_TIMEOUT_SCALE multiplies every limit (e.g. 3 on a machine shared with other jobs). */
export const DEFAULT_TIMEOUT_MS = 60_000;
const TIMEOUT_SCALE = Number(process.env.CORPUS_TIMEOUT_SCALE ?? 1);
export const DEFAULT_MEMORY_MB = 1024;

/** Resident memory of a process in MB, or 0 once it is gone. */
function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function runCase(modulePath: string, c: Case): Promise<ProcessOutcome> {
  const timeoutMs = (c.timeoutMs ?? DEFAULT_TIMEOUT_MS) * TIMEOUT_SCALE, memoryMB = c.memoryMB ?? DEFAULT_MEMORY_MB;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${memoryMB}`, CHILD, modulePath, caseKey(c)], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    let stdout = '', stderr = '', timedOut = false, overMemory = false, peak = 0;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    const watch = setInterval(() => {
      peak = Math.max(peak, rssMB(child.pid!));
      if (peak > memoryMB) { overMemory = true; child.kill('SIGKILL'); }
    }, 100);
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (exitCode, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
      const report = line ? JSON.parse(line.slice(MARKER.length)) as ChildReport : undefined;
      if (report) peak = Math.max(peak, report.maxRssMB);
      resolve({ report, timedOut, overMemory, exitCode, signal, peakRssMB: Math.round(peak), stderr });
    });
  });
}

/** Runs jobs with at most `workers` at a time, results in the order of the jobs. */
export async function runPool<T, R>(jobs: T[], workers: number, run: (job: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await run(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
  return results;
}
