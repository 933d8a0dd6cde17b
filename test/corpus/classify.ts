// The outcome classes of a corpus case, from what its process reported (or did not).
import type { Case } from './case';
import type { ChildReport } from './child';

export const CLASSES = ['clear', 'correct', 'unclear', 'wrong-kind', 'silent', 'hang', 'crash'] as const;
export type OutcomeClass = typeof CLASSES[number];

export const CLASS_LABELS: Record<OutcomeClass, string> = {
  clear: 'clear ScalingLabError with a hint (the expected code, naming the culprit)',
  correct: 'correct result (input that is fine)',
  unclear: 'ScalingLabError without a hint, of another code, or not naming the culprit',
  'wrong-kind': 'error of the wrong kind (TypeError, RangeError, a dependency\'s error)',
  silent: 'silent wrong result (a result where an error was due, a failed check, or a NaN)',
  hang: 'hang (over the time limit)',
  crash: 'crash (process died, over the memory limit, or an unhandled error)',
};

/** What the parent saw of one child process. */
export interface ProcessOutcome {
  report?: ChildReport;
  timedOut: boolean;
  overMemory: boolean;
  exitCode: number | null;
  signal: string | null;
  peakRssMB: number;
  stderr: string;
}

export interface Verdict {
  cls: OutcomeClass;
  detail: string;
}

export function classify(c: Case, p: ProcessOutcome): Verdict {
  if (p.timedOut) return { cls: 'hang', detail: 'no answer within the time limit' };
  if (p.overMemory) return { cls: 'crash', detail: `resident memory ${p.peakRssMB} MB over the ${c.memoryMB ?? 1024} MB limit` };
  const r = p.report;
  if (!r) return { cls: 'crash', detail: `exit ${p.exitCode ?? p.signal} without a report: ${p.stderr.trim().split('\n').slice(-4).join(' | ')}` };
  if (r.unhandled.length) return { cls: 'crash', detail: r.unhandled.join('; ') };
  if (r.outcome === 'returned') {
    return r.wrong ? { cls: 'silent', detail: r.wrong } : { cls: 'correct', detail: 'ok' };
  }
  const msg = (r.message ?? '').split('\n')[0];
  if (!r.scalingLab) return { cls: 'wrong-kind', detail: `${r.errorName}: ${r.message}` };
  if (!('error' in c.expect)) return { cls: 'unclear', detail: `valid input refused: [${r.code}] ${msg}` };
  if (r.code !== c.expect.error) return { cls: 'unclear', detail: `code '${r.code}', expected '${c.expect.error}': ${msg}` };
  if (!r.hint) return { cls: 'unclear', detail: `no hint: ${msg}` };
  if (c.expect.names && !c.expect.names.test(r.message ?? '')) return { cls: 'unclear', detail: `message does not match ${c.expect.names}: ${msg}` };
  return { cls: 'clear', detail: msg };
}
