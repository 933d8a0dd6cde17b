import * as path from 'path';
import { Worker } from 'worker_threads';
import { ScalingLabError } from '../errors';
import { abortError } from './context';

/** Parent -> worker: run job `index`. */
export interface JobMessage<J> {
  index: number;
  job: J;
}

/** Worker -> parent: progress of a job (steps done), its result, or its error. */
export type WorkerMessage<R> =
  | { type: 'progress'; index: number; done: number }
  | { type: 'done'; index: number; result: R }
  | { type: 'error'; index: number; error: { name: string; message: string; code?: string; reason?: string; hint?: string } };

/** The compiled worker script next to this file (dist/toys or build/src/toys). */
export const SWEEP_WORKER = path.join(__dirname, 'sweep-worker.js');

/** The error a worker reported, rebuilt in the parent (a ScalingLabError keeps its code and hint). */
function rebuild(e: Extract<WorkerMessage<unknown>, { type: 'error' }>['error']): Error {
  if (e.name === 'ScalingLabError' && e.code) return new ScalingLabError(e.code, e.reason ?? e.message, e.hint);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export interface PoolHandlers {
  /** Steps done so far by job `index`. */
  onProgress(index: number, done: number): void;
  signal?: AbortSignal;
  /** The order in which the jobs are handed out (a permutation of their indices). Default: index order. */
  order?: number[];
}

/**
 * Runs the jobs on `workers` worker threads, each taking the next job (in `h.order`) when it finishes
 * one; results in job order. The first error, or an abort of the signal, terminates every worker and rejects.
 */
export function runPool<J, R>(script: string, jobs: J[], workers: number, h: PoolHandlers): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    const results: R[] = new Array(jobs.length);
    const pool: Worker[] = [];
    const order = h.order ?? jobs.map((_, i) => i);
    let next = 0;
    let finished = 0;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      h.signal?.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve(results);
    };
    const onAbort = () => settle(abortError(h.signal!));
    if (h.signal?.aborted) return onAbort();
    h.signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (w: Worker) => {
      if (next < order.length) {
        const index = order[next++];
        const message: JobMessage<J> = { index, job: jobs[index] };
        w.postMessage(message);
      }
    };
    const onMessage = (w: Worker, m: WorkerMessage<R>) => {
      if (settled) return;
      if (m.type === 'progress') h.onProgress(m.index, m.done);
      else if (m.type === 'error') settle(rebuild(m.error));
      else {
        results[m.index] = m.result;
        if (++finished === jobs.length) settle();
        else feed(w);
      }
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(script);
      pool.push(w);
      w.on('message', (m: WorkerMessage<R>) => onMessage(w, m));
      w.on('error', (err) => settle(err));
      w.on('exit', (code) => settle(new Error(`a sweep worker stopped early (exit code ${code}).`)));
      feed(w);
    }
  });
}
