import type { DataFrame } from './frame';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { fmt } from '../util/format';
import { toDataFrame } from './frame';

/**
 * Dynamic time of a learning-rate schedule: tau(t) = sum over updates s = 1..t of eta_s, the time
 * variable of the one-third law (Liu, Liu, Pehlevan, Gore 2026; docs/methods.md#dynamic-time). Runs
 * trained with different schedules or peak rates line up in tau, not in steps.
 */

/** The schedule shapes: constant, linear decay, cosine decay, warm-up-stable-decay. */
export type ScheduleKind = 'constant' | 'linear' | 'cosine' | 'wsd';

/**
 * A learning-rate schedule. Every shape starts with an optional linear warm-up (eta_s = peak s / W for
 * s <= W), then:
 * - 'constant': peak forever;
 * - 'linear': peak down to final x peak at step `total`, linearly;
 * - 'cosine': final + (1 - final)(1 + cos(pi p)) / 2 times peak, p = (s - W) / (total - W) (Pythia:
 *   warmup 0.01, final 0.1);
 * - 'wsd': peak until the last `decay` steps, then down to final x peak ('linear', 'cosine' or 'sqrt' shape).
 */
export interface Schedule {
  kind: ScheduleKind;
  /** Peak learning rate (default 1: tau is then counted in peak-rate steps, as the time paper plots tau x max_lr). */
  peak?: number;
  /** Steps of the whole schedule, warm-up included. Required except for 'constant'. */
  total?: number;
  /** Warm-up steps (default 0); a value in (0, 1) is a fraction of `total` (rounded to whole steps). */
  warmup?: number;
  /** Learning rate at the last step as a fraction of peak (default 0). */
  final?: number;
  /** 'wsd' only: steps of the final decay (default 0.2: a value in (0, 1) is a fraction of `total`). */
  decay?: number;
  /** 'wsd' only: shape of the decay, 'linear' (default), 'cosine' or 'sqrt' (1 - sqrt, Haegele et al. 2024). */
  decayShape?: 'linear' | 'cosine' | 'sqrt';
}

/** A schedule with every default filled in and fractions turned into steps. */
export interface ResolvedSchedule {
  kind: ScheduleKind;
  peak: number;
  /** Null for a constant schedule without an end. */
  total: number | null;
  warmup: number;
  final: number;
  /** Steps of the decay phase: total - warmup for 'linear' and 'cosine', the `decay` steps for 'wsd', 0 for 'constant'. */
  decay: number;
  decayShape: 'linear' | 'cosine' | 'sqrt';
}

export interface DynamicTime {
  kind: 'dynamic-time';
  schedule: ResolvedSchedule;
  /** The steps asked for (number of updates done), in the order given. */
  steps: number[];
  /** tau at each step: the sum of the learning rates of updates 1..step (0 at step 0). */
  tau: number[];
  /** tau at the end of the schedule (null for a constant schedule without `total`). */
  total: number | null;
  /** Learning rate of update s (s = 1, 2, ...). */
  rate(step: number): number;
  /** One row per step: step, lr (of that update; NaN at step 0), tau. */
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}

const FN = 'dynamicTime';
const KINDS: ScheduleKind[] = ['constant', 'linear', 'cosine', 'wsd'];
const KEYS = ['kind', 'peak', 'total', 'warmup', 'final', 'decay', 'decayShape'];

/**
 * tau(t) = sum_{s <= t} eta_s for each step in `steps` (default: the schedule's last step). One pass
 * over the updates up to the largest step asked for, with compensated summation.
 * E.g. dynamicTime({ kind: 'cosine', total: 143000, warmup: 0.01, final: 0.1, peak: 3e-4 }, [1000, 143000]).
 */
export function dynamicTime(schedule: Schedule | ScheduleKind, steps?: number | ArrayLike<number>): DynamicTime {
  const s = resolveSchedule(typeof schedule === 'string' ? { kind: schedule } : schedule, FN);
  const asked = readSteps(s, steps);
  const all = s.total === null ? asked : [...asked, s.total];
  const sums = cumulativeRates(s, all);
  const tau = sums.slice(0, asked.length);
  const endTau = s.total === null ? null : sums[asked.length];
  const result: DynamicTime = {
    kind: 'dynamic-time', schedule: s, steps: asked, tau, total: endTau,
    rate: (step: number) => { checkStep(s, step, 'rate'); return rateAt(s, step); },
    table: () => toDataFrame({ step: asked, lr: asked.map((t) => (t >= 1 ? rateAt(s, t) : NaN)), tau }),
    summary: () => scheduleSummary(result),
    toJSON: () => ({ kind: 'dynamic-time', schedule: s, steps: asked, tau, total: endTau }),
  };
  return attachDisplay(result);
}

/** tau at each of `steps` (any order): one pass over the updates up to the largest, with compensated summation. */
function cumulativeRates(s: ResolvedSchedule, steps: number[]): number[] {
  const order = steps.map((_, i) => i).sort((a, b) => steps[a] - steps[b]);
  const out = new Array<number>(steps.length);
  let sum = 0, carry = 0, done = 0;
  for (const i of order) {
    for (; done < steps[i]; done++) {
      const y = rateAt(s, done + 1) - carry; // Kahan: a 1e7-step sum stays exact to ~1e-16
      const t = sum + y;
      carry = (t - sum) - y;
      sum = t;
    }
    out[i] = sum;
  }
  return out;
}

/** Learning rate of update `step` (1-based) of a schedule (checked). */
export function learningRate(schedule: Schedule | ScheduleKind, step: number): number {
  const s = resolveSchedule(typeof schedule === 'string' ? { kind: schedule } : schedule, 'learningRate');
  checkStep(s, step, 'learningRate');
  return rateAt(s, step);
}

/** eta at update s >= 1 of a resolved schedule. */
function rateAt(s: ResolvedSchedule, step: number): number {
  if (step <= s.warmup) return (s.peak * step) / s.warmup;
  if (s.kind === 'constant') return s.peak;
  const start = (s.total as number) - s.decay;
  if (step <= start) return s.peak; // the stable phase of wsd
  const p = (step - start) / s.decay;
  const shape = s.kind === 'wsd' ? s.decayShape : s.kind;
  const drop = shape === 'cosine' ? (1 - Math.cos(Math.PI * p)) / 2 : shape === 'sqrt' ? Math.sqrt(p) : p;
  return s.peak * (1 - (1 - s.final) * drop);
}

/** Fills the defaults and checks every field, naming the one that is wrong. */
export function resolveSchedule(schedule: Schedule, fn: string): ResolvedSchedule {
  if (!schedule || typeof schedule !== 'object') {
    throw new ScalingLabError('bad-option', `${fn}: the schedule must be an object like { kind: 'cosine', total: 10000, warmup: 0.01 } or a kind name.`, "e.g. dynamicTime({ kind: 'cosine', total: 10000 }, [1000, 5000]) or dynamicTime('constant', [100]).");
  }
  checkOptionKeys(`${fn} schedule`, schedule, KEYS);
  const { kind } = schedule;
  if (!KINDS.includes(kind)) throw new ScalingLabError('bad-option', `${fn}: schedule kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}.`, `use one of ${KINDS.map((k) => `'${k}'`).join(', ')}.`);
  const peak = schedule.peak ?? 1;
  if (!(peak > 0) || !Number.isFinite(peak)) throw new ScalingLabError('bad-option', `${fn}: schedule.peak must be a positive number, got ${peak}.`, 'the peak learning rate, e.g. peak: 3e-4 (default 1: tau in peak-rate steps).');
  const total = schedule.total ?? null;
  if (total === null && kind !== 'constant') {
    throw new ScalingLabError('missing-option', `${fn}: a '${kind}' schedule needs total (the number of steps it runs for).`, `e.g. { kind: '${kind}', total: 10000 }.`);
  }
  if (total !== null && !(Number.isInteger(total) && total >= 1)) throw new ScalingLabError('bad-option', `${fn}: schedule.total must be a positive whole number of steps, got ${total}.`, 'e.g. total: 10000.');
  const warmup = stepsOf(schedule.warmup ?? 0, total, 'warmup', fn);
  const final = schedule.final ?? 0;
  if (!(final >= 0 && final <= 1)) throw new ScalingLabError('bad-option', `${fn}: schedule.final is a fraction of peak in [0, 1], got ${final}.`, 'e.g. final: 0.1 to decay to a tenth of the peak (Pythia).');
  if (kind !== 'wsd' && (schedule.decay !== undefined || schedule.decayShape !== undefined)) {
    throw new ScalingLabError('bad-option', `${fn}: decay and decayShape belong to 'wsd' schedules, not '${kind}'.`, "use kind: 'wsd' for warm-up, stable and decay phases, or drop decay and decayShape.");
  }
  const decayShape = schedule.decayShape ?? 'linear';
  if (!['linear', 'cosine', 'sqrt'].includes(decayShape)) throw new ScalingLabError('bad-option', `${fn}: schedule.decayShape must be 'linear', 'cosine' or 'sqrt', got ${JSON.stringify(decayShape)}.`, "e.g. decayShape: 'linear'.");
  const decay = kind === 'constant' ? 0 : kind === 'wsd' ? stepsOf(schedule.decay ?? 0.2, total, 'decay', fn) : (total as number) - warmup;
  if (total !== null && warmup + (kind === 'wsd' ? decay : 0) > total) {
    throw new ScalingLabError('bad-option', `${fn}: warm-up (${warmup} steps)${kind === 'wsd' ? ` and decay (${decay} steps)` : ''} do not fit in total = ${total} steps.`, 'shorten them or raise total.');
  }
  if ((kind === 'linear' || kind === 'cosine' || kind === 'wsd') && decay === 0) {
    throw new ScalingLabError('bad-option', `${fn}: the '${kind}' schedule has no steps left to decay over (warmup ${warmup}, total ${total}).`, 'leave some steps after the warm-up.');
  }
  return { kind, peak, total, warmup, final, decay, decayShape };
}

/** A step count, or a fraction in (0, 1) of total. */
function stepsOf(v: number, total: number | null, name: string, fn: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new ScalingLabError('bad-option', `${fn}: schedule.${name} must be a number of steps (or a fraction of total in (0, 1)), got ${v}.`, `e.g. ${name}: 0.01 (a fraction of total) or ${name}: 100 (steps).`);
  if (v > 0 && v < 1) {
    if (total === null) throw new ScalingLabError('bad-option', `${fn}: schedule.${name} = ${v} is a fraction of total, but the schedule has no total.`, `give total, or ${name} in steps.`);
    return Math.round(v * total);
  }
  if (!Number.isInteger(v)) throw new ScalingLabError('bad-option', `${fn}: schedule.${name} must be a whole number of steps or a fraction in (0, 1), got ${v}.`, `e.g. ${name}: 0.01 (a fraction of total) or ${name}: 100 (steps).`);
  return v;
}

/** The largest step dynamicTime sums up to (about a second of work). */
const MAX_STEPS = 1e8;

function readSteps(s: ResolvedSchedule, steps: number | ArrayLike<number> | undefined): number[] {
  if (steps === undefined) {
    if (s.total === null) throw new ScalingLabError('missing-option', `${FN}: give the steps (a constant schedule without total has no last step).`, "e.g. dynamicTime('constant', [100, 1000]).");
    return [s.total];
  }
  const list = typeof steps === 'number' ? [steps] : Array.from(steps);
  if (list.length === 0) throw new ScalingLabError('empty-data', `${FN}: no steps given.`, 'give the steps (updates done) to evaluate tau at, e.g. [100, 1000, 10000].');
  list.forEach((t, i) => checkStep(s, t, FN, i, true));
  const last = Math.max(...list);
  if (last > MAX_STEPS) {
    throw new ScalingLabError('bad-value', `${FN}: step ${last} is more than ${MAX_STEPS.toExponential()} updates; tau is summed update by update, which would take minutes.`,
      'count steps in larger units (e.g. thousands of updates, with total and warmup in the same unit and peak scaled by the unit).');
  }
  return list;
}

function checkStep(s: ResolvedSchedule, t: number, fn: string, index?: number, zeroOk = false): void {
  const where = index === undefined ? '' : ` (steps[${index}])`;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < (zeroOk ? 0 : 1)) {
    throw new ScalingLabError('bad-value', `${fn}: step${where} must be a whole number >= ${zeroOk ? 0 : 1} (updates done), got ${t}.`, 'steps count updates done: whole numbers, e.g. [0, 100, 1000].');
  }
  if (s.total !== null && t > s.total) {
    throw new ScalingLabError('bad-value', `${fn}: step ${t}${where} is past the end of the schedule (total = ${s.total}).`, 'raise total to the length of the run, or drop the later steps.');
  }
}

function scheduleSummary(r: DynamicTime): string {
  const s = r.schedule;
  const parts = [`peak ${fmt(s.peak)}`, s.warmup ? `warm-up ${s.warmup} steps` : 'no warm-up'];
  if (s.total !== null) parts.push(`total ${s.total} steps`);
  if (s.kind !== 'constant') parts.push(`final ${fmt(s.final)} x peak`);
  if (s.kind === 'wsd') parts.push(`${s.decayShape} decay over the last ${s.decay} steps`);
  const shown = r.steps.length <= 6 ? r.steps.map((t, i) => `tau(${t}) = ${fmt(r.tau[i], 6)}`).join(', ')
    : `${r.steps.length} steps, tau from ${fmt(Math.min(...r.tau), 6)} to ${fmt(Math.max(...r.tau), 6)}`;
  const lines = [`Dynamic time of a ${s.kind} schedule (${parts.join(', ')}): tau(t) = sum of the learning rates of updates 1..t`, `  ${shown}`];
  if (r.total !== null) lines.push(`  tau at the end of the schedule: ${fmt(r.total, 6)} (${fmt(r.total / s.peak / (s.total as number), 4)} of constant-peak time)`);
  return lines.join('\n');
}
