import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { ScalingLabError } from '../errors';
import { attachDisplay } from '../display-hook';
import { toDataFrame } from '../data/frame';
import { runToy } from './run';
import type { ToyOptions, ToyName } from './registry';
import type { ToyResult } from './result';
import { toyNames } from './registry';

/**
 * Recorded toy runs: a run too long for CI is trained once by scripts/record-run.js and kept as JSON
 * (seed, code version, machine, minutes, curves, fitted result); a notebook shows it labelled as
 * recorded, and a test re-runs its first steps and compares them bit for bit, so the record is known to
 * come from this code (docs/toys.md#recorded-runs).
 */
export const RECORDED_FORMAT = 'scalinglab.recorded-toy-run/1';

export interface RecordedRun {
  format: typeof RECORDED_FORMAT;
  toy: ToyName;
  /** The options of the run as resolved (JSON), seed included. */
  options: Record<string, unknown>;
  code: { package: string; commit: string; dirty: boolean };
  machine: { platform: string; arch: string; cpu: string; cores: number; node: string; backend: string };
  recordedAt: string;
  minutes: number;
  /** How many steps the replay test re-runs (the start of the run). */
  replaySteps: number;
  curves: Record<string, number[]>;
  /** The result's fields other than curves and bookkeeping (exponent, coefficient, points, notes, the toy's own). */
  result: Record<string, unknown>;
}

/** The package's root: the nearest folder above this file whose package.json is scalinglab's (dist/ or a test build). */
function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'scalinglab') return dir;
    } catch { /* keep looking */ }
  }
  return path.resolve(__dirname, '..', '..');
}
const ROOT = packageRoot();

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The code a run comes from: the package version and, in a git checkout, the commit and whether src/ had changes. */
export function codeVersion(): RecordedRun['code'] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const commit = git(['rev-parse', 'HEAD']) ?? 'unknown';
  const dirty = (git(['status', '--porcelain', '--', 'src']) ?? '') !== '';
  return { package: pkg.version, commit, dirty };
}

const BOOKKEEPING = new Set(['kind', 'name', 'curves', 'backend', 'seconds', 'options', 'summary']);

/** Trains the run (all its steps) and returns the record; `replaySteps` is how much of it the test re-runs. */
export async function recordToyRun<N extends ToyName>(name: N, options: ToyOptions<N>, replaySteps: number): Promise<RecordedRun> {
  if (!Number.isInteger(replaySteps) || replaySteps < 1) {
    throw new ScalingLabError('bad-option', `recordToyRun: replaySteps must be a positive integer, got ${replaySteps}.`, 'e.g. 200: the test re-runs that many steps.');
  }
  const started = Date.now();
  // the code as the run starts (a commit made while a long run trains is not its code)
  const code = codeVersion();
  const r = await runToy(name, options) as ToyResult<N> & Record<string, unknown>;
  const minutes = (Date.now() - started) / 60000;
  const table = r.curves as { columns: string[]; column(c: string): { values: unknown } };
  const curves = Object.fromEntries(table.columns.map((c) => [c, Array.from(table.column(c).values as ArrayLike<number>)]));
  const result: Record<string, unknown> = Object.fromEntries(Object.entries(r).filter(([k]) => !BOOKKEEPING.has(k)));
  result.summaryText = r.summary();
  const cpus = os.cpus();
  return {
    format: RECORDED_FORMAT, toy: name, options: JSON.parse(JSON.stringify(r.options)), code,
    machine: { platform: os.platform(), arch: os.arch(), cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, backend: r.backend },
    recordedAt: new Date(started).toISOString(), minutes, replaySteps, curves, result: JSON.parse(JSON.stringify(result)),
  };
}

/** The parts of a record that loading and labelling read. */
const RECORD_PARTS = ['options', 'code', 'machine', 'curves', 'result'] as const;

/** Reads a recorded run from a path (or takes it as it is) and checks its format. */
export function readRecordedRun(source: string | RecordedRun): RecordedRun {
  let rec: RecordedRun;
  try {
    rec = typeof source === 'string' ? JSON.parse(fs.readFileSync(source, 'utf8')) : source;
  } catch (e) {
    throw new ScalingLabError('bad-input', `loadRecordedRun: cannot read '${String(source)}': ${(e as Error).message}.`, 'give the path of a file written by scripts/record-run.js.');
  }
  if (!rec || rec.format !== RECORDED_FORMAT || !(toyNames as readonly string[]).includes(rec.toy)) {
    throw new ScalingLabError('bad-input', `loadRecordedRun: '${typeof source === 'string' ? source : 'the object'}' is not a recorded toy run (format ${RECORDED_FORMAT}).`, 'record runs with scripts/record-run.js.');
  }
  const missing = RECORD_PARTS.filter((k) => !rec[k] || typeof rec[k] !== 'object');
  if (missing.length) {
    throw new ScalingLabError('bad-input', `loadRecordedRun: the recorded run '${typeof source === 'string' ? source : 'object'}' has no ${missing.join(', ')}: it is truncated or edited.`, 'record it again with scripts/record-run.js.');
  }
  return rec;
}

/** The header a recorded run shows: it was not re-run here, and where it comes from. */
export function recordedLabel(rec: RecordedRun): string {
  const commit = rec.code.commit === 'unknown' ? 'commit unknown' : `commit ${rec.code.commit.slice(0, 10)}${rec.code.dirty ? ' (with uncommitted changes in src/)' : ''}`;
  return `RECORDED run (not re-run in this notebook): seed ${String(rec.options.seed)}, scalinglab ${rec.code.package} ${commit}, `
    + `${rec.machine.cpu} (${rec.machine.cores} cores, ${rec.machine.platform}/${rec.machine.arch}), Node ${rec.machine.node}, tfjs '${rec.machine.backend}', `
    + `${rec.minutes.toFixed(1)} minutes, recorded ${rec.recordedAt.slice(0, 10)}; its first ${rec.replaySteps} steps are re-run bit for bit by test/unit/recorded-runs.test.ts`;
}

/** A recorded run as a toy result (curves, exponent, coefficient, ...) that displays with its recorded label. */
export function loadRecordedRun(source: string | RecordedRun): ToyResult & { recorded: RecordedRun } {
  const rec = readRecordedRun(source);
  const label = recordedLabel(rec);
  const notes = [label, ...((rec.result.notes as string[] | undefined) ?? [])];
  const result = {
    ...rec.result, kind: 'toy' as const, name: rec.toy, curves: toDataFrame(rec.curves), backend: rec.machine.backend,
    seconds: rec.minutes * 60, options: rec.options, notes, recorded: rec,
    summary: () => `${label}\n${String(rec.result.summaryText ?? '')}`.trim(),
  };
  return attachDisplay(result as unknown as ToyResult & { recorded: RecordedRun });
}

/** What a replay found: how many logged points were compared and the first ones that differ. */
export interface ReplayResult {
  identical: boolean;
  steps: number;
  compared: number;
  mismatches: string[];
}

/** The curve columns that identify a logged point (which model, which step); the rest are its values. */
const KEY_COLUMNS = ['width', 'depth', 'step'];

/**
 * Re-runs the first `steps` steps (default: the record's replaySteps) of a recorded run with the same
 * options and compares every logged point of the replay with the record's, bit for bit.
 */
export async function replayRecordedRun(source: string | RecordedRun, steps?: number): Promise<ReplayResult> {
  const rec = readRecordedRun(source);
  const k = steps ?? rec.replaySteps;
  const options = { ...rec.options, backend: rec.machine.backend, stopAfter: k } as ToyOptions<ToyName>;
  const r = await runToy(rec.toy, options);
  const table = r.curves as unknown as { columns: string[]; column(c: string): { values: unknown } };
  const cols = table.columns;
  const keys = cols.filter((c) => KEY_COLUMNS.includes(c));
  const keyOf = (get: (c: string) => number) => keys.map((c) => get(c)).join('|');
  const recorded = new Map<string, number>();
  rec.curves.step.forEach((_, i) => recorded.set(keyOf((c) => rec.curves[c][i]), i));
  const mismatches: string[] = [];
  const replay = Object.fromEntries(cols.map((c) => [c, Array.from(table.column(c).values as ArrayLike<number>)]));
  let compared = 0;
  replay.step.forEach((_, i) => {
    const key = keyOf((c) => replay[c][i]);
    const j = recorded.get(key);
    if (j === undefined) { mismatches.push(`${key}: not in the record`); return; }
    compared++;
    for (const c of cols) {
      if (!Object.is(replay[c][i], rec.curves[c]?.[j])) mismatches.push(`${keys.map((kc) => `${kc} ${replay[kc][i]}`).join(', ')}: ${c} ${replay[c][i]} replayed, ${rec.curves[c]?.[j]} recorded`);
    }
  });
  return { identical: compared > 0 && mismatches.length === 0, steps: k, compared, mismatches: mismatches.slice(0, 10) };
}
