// One corpus case in its own process: `node child.js <case module> <caseKey>`. Prints one line
// `@@corpus <json>` with what happened (thrown error, or result checked and searched for NaN), the
// peak resident memory, and any unhandled error; the parent classifies it.
import * as path from 'path';
import { caseKey, type Case } from './case';
import { ScalingLabError } from '../../src/errors';

export const MARKER = '@@corpus ';

export interface ChildReport {
  outcome: 'threw' | 'returned';
  /** For 'threw': the error's constructor name, whether it is a ScalingLabError, its code, hint and message. */
  errorName?: string;
  scalingLab?: boolean;
  code?: string;
  hint?: string;
  message?: string;
  /** For 'returned': why the result is wrong (the check's message or where a NaN is), if it is. */
  wrong?: string;
  /** Errors nobody handled while the case ran (unhandled rejections, uncaught exceptions). */
  unhandled: string[];
  maxRssMB: number;
  ms: number;
  /** CPU time of the process (user + system), start-up included: what the case costs on a quiet machine. */
  cpuMs: number;
}

/** The path of the first NaN in a result (own enumerable properties, arrays, typed arrays), or null. */
export function findNaN(value: unknown, where = 'result', seen = new Set<unknown>(), depth = 0): string | null {
  if (typeof value === 'number') return Number.isNaN(value) ? where : null;
  if (value === null || typeof value !== 'object' || seen.has(value) || depth > 8) return null;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    const arr = value as unknown as ArrayLike<number>;
    for (let i = 0; i < arr.length; i++) if (Number.isNaN(arr[i])) return `${where}[${i}]`;
    return null;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const hit = findNaN(v, Array.isArray(value) ? `${where}[${k}]` : `${where}.${k}`, seen, depth + 1);
    if (hit) return hit;
  }
  return null;
}

function describeError(e: unknown): Partial<ChildReport> {
  if (e instanceof ScalingLabError) {
    return { errorName: e.name, scalingLab: true, code: e.code, hint: e.hint, message: e.message };
  }
  if (e instanceof Error) return { errorName: e.constructor?.name ?? e.name, scalingLab: false, message: `${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}` };
  return { errorName: typeof e, scalingLab: false, message: String(e) };
}

/** Checks a returned value: the case's check, then no NaN anywhere (unless the case allows it), then summary() works. */
async function checkResult(c: Case, result: unknown): Promise<string | undefined> {
  if (!('ok' in c.expect)) return `returned a result where a ScalingLabError '${c.expect.error}' was due`;
  try {
    c.expect.ok(result);
  } catch (e) {
    return `check failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!c.expect.allowNaN) {
    const nan = findNaN(result);
    if (nan) return `NaN at ${nan}`;
  }
  const summary = (result as { summary?: unknown } | null)?.summary;
  if (typeof summary === 'function') {
    const text = String(summary.call(result));
    if (!c.expect.allowNaN && /\bNaN\b/.test(text)) return 'summary() prints NaN';
  }
  return undefined;
}

async function main(): Promise<void> {
  const [modulePath, id] = process.argv.slice(2);
  const unhandled: string[] = [];
  process.on('unhandledRejection', (e) => unhandled.push(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}`));
  process.on('uncaughtException', (e) => unhandled.push(`uncaught exception: ${e.message}`));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cases: Case[] = require(path.resolve(modulePath)).cases;
  const c = cases.find((x) => caseKey(x) === id);
  if (!c) throw new Error(`no case '${id}' in ${modulePath}`);
  const t0 = Date.now();
  let report: Partial<ChildReport>;
  try {
    const result = await c.run();
    report = { outcome: 'returned' };
    try {
      report.wrong = await checkResult(c, result);
    } catch (e) {
      // summary() or the check itself threw: that is the result's fault, reported as thrown.
      report = { outcome: 'threw', ...describeError(e) };
    }
  } catch (e) {
    report = { outcome: 'threw', ...describeError(e) };
  }
  const ms = Date.now() - t0;
  // Late errors (a promise rejected after the result) show up within a few ticks.
  await new Promise((r) => setTimeout(r, 50));
  const usage = process.resourceUsage();
  const full = { ...report, unhandled, ms, cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000), maxRssMB: Math.round(usage.maxRSS / 1024) } as ChildReport;
  process.stdout.write(MARKER + JSON.stringify(full) + '\n', () => process.exit(0));
}

if (require.main === module) void main();
