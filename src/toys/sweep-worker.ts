/**
 * The worker thread of sweepToy: runs one configuration at a time (trainToy, as runToy does) and
 * posts back its progress and its row. Loaded by path (SWEEP_WORKER); it does nothing when imported
 * outside a worker thread.
 */
import { parentPort, type MessagePort } from 'worker_threads';
import type { ScalingLabError } from '../errors';
import type { ResolvedToyOptions, ToyName } from './registry';
import { toys } from './registry';
import type { JobMessage, WorkerMessage } from './sweep-pool';
import type { SweepJob, SweepRunResult } from './sweep-row';
import { toyCoefficient, toyStability } from './stability';
import { trainToy } from './train';

async function runJob(port: MessagePort, { index, job }: JobMessage<SweepJob>): Promise<void> {
  const post = (m: WorkerMessage<SweepRunResult>) => port.postMessage(m);
  try {
    const onProgress = (e: { done: number }) => post({ type: 'progress', index, done: e.done });
    const o = { ...job.options, onProgress } as unknown as ResolvedToyOptions<ToyName>;
    const { core, backend, seconds } = await trainToy(job.name, o);
    const method = toys[job.name].halfBudget;
    const result: SweepRunResult = {
      exponent: core.exponent,
      coefficient: toyCoefficient(core.points, core.exponent),
      stability: core.halfBudget && method ? toyStability(core.exponent, core.halfBudget, method) : null,
      points: core.points,
      extra: { ...core.extra },
      backend,
      seconds,
    };
    post({ type: 'done', index, result });
  } catch (err) {
    const e = err as Partial<ScalingLabError> & Error;
    post({ type: 'error', index, error: { name: e.name, message: e.message, code: e.code, reason: e.reason, hint: e.hint } });
  }
}

const port = parentPort;
if (port) port.on('message', (m: JobMessage<SweepJob>) => void runJob(port, m));
