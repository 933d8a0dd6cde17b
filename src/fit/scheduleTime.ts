import { ScalingLabError, describeValue } from '../errors';
import { numRows } from '../data/columns';
import type { Columns } from '../data/frame';
import { dynamicTime, type Schedule, type ScheduleKind } from '../data/schedule';
import { fmt } from '../util/format';
import { hasOwn, setOwn } from '../util/own';

/**
 * The time term of fitUniversal on dynamic time tau = sum of the learning rates
 * (docs/derivations.md#tokens-and-dynamic-time): tau of each row from its step count under a
 * learning-rate schedule, added as a column the fit then reads as its time variable.
 */

/**
 * A schedule as `dynamicTime` takes it, whose numeric fields may instead name a column, so that each
 * row has its own: e.g. { kind: 'cosine', peak: 'lr', total: 'total_steps', warmup: 0.01 }.
 */
export type ScheduleSpec = { kind: ScheduleKind; decayShape?: Schedule['decayShape'] }
  & { [K in 'peak' | 'total' | 'warmup' | 'final' | 'decay']?: number | string };

const NUMERIC = ['peak', 'total', 'warmup', 'final', 'decay'] as const;

/** The columns with the tau column added, its name, and a sentence for the summary. */
export interface ScheduledTime { columns: Columns; column: string; note: string }

/**
 * tau of every row: the steps column under the schedule (fields naming columns read per row). Rows
 * that share a schedule are summed in one pass. Errors name the rows and the field or column.
 */
export function scheduledTime(fn: string, columns: Columns, spec: ScheduleSpec, stepsColumn: string): ScheduledTime {
  if (!spec || typeof spec !== 'object') {
    throw new ScalingLabError('bad-option', `${fn}: schedule must be an object like { kind: 'cosine', total: 10000, warmup: 0.01, peak: 3e-4 }, got ${describeValue(spec)}.`);
  }
  const n = numRows(columns);
  const perRow = NUMERIC.filter((k) => typeof spec[k] === 'string');
  for (const k of perRow) {
    if (!hasOwn(columns, spec[k] as string)) {
      throw new ScalingLabError('missing-column', `${fn}: schedule.${k} names the column '${spec[k]}', which is not in the data. Columns present: ${Object.keys(columns).join(', ')}.`,
        `give schedule.${k} as a number, or name a column that holds it per row.`);
    }
  }
  const steps = columns[stepsColumn].map(Number);
  const bad = steps.flatMap((t, i) => (Number.isInteger(t) && t >= 0 ? [] : [i]));
  if (bad.length) {
    throw new ScalingLabError('bad-value', `${fn}: the steps column '${stepsColumn}' must hold whole numbers of updates >= 0 for the schedule; ${bad.length} row${bad.length > 1 ? 's do' : ' does'} not: ${bad.slice(0, 8).map((i) => `row ${i} (${describeValue(columns[stepsColumn][i])})`).join(', ')}.`,
      'fix those rows or drop them from the data (tau is computed for every row).');
  }
  // Rows grouped by their schedule, so each schedule is summed once over its rows' steps.
  const groups = new Map<string, { schedule: Schedule; rows: number[] }>();
  for (let i = 0; i < n; i++) {
    const s: Schedule = { kind: spec.kind, ...(spec.decayShape !== undefined ? { decayShape: spec.decayShape } : {}) };
    for (const k of NUMERIC) if (spec[k] !== undefined) s[k] = typeof spec[k] === 'string' ? Number(columns[spec[k] as string][i]) : spec[k] as number;
    const key = JSON.stringify(s);
    if (!groups.has(key)) groups.set(key, { schedule: s, rows: [] });
    groups.get(key)!.rows.push(i);
  }
  const tau = new Array<number>(n);
  for (const { schedule, rows } of groups.values()) {
    try {
      const t = dynamicTime(schedule, rows.map((i) => steps[i]));
      rows.forEach((i, k) => { tau[i] = t.tau[k]; });
    } catch (err) {
      if (!(err instanceof ScalingLabError)) throw err;
      throw new ScalingLabError(err.code, `${fn}: schedule of row${rows.length > 1 ? 's' : ''} ${rows.slice(0, 8).join(', ')}${rows.length > 8 ? ', ...' : ''}: ${err.reason}`, err.hint);
    }
  }
  let column = 'tau';
  for (let k = 1; hasOwn(columns, column); k++) column = `tau_${k}`;
  const out: Columns = { ...columns };
  setOwn<Array<number | string>>(out, column, tau);
  return { columns: out, column, note: scheduleNote(spec, stepsColumn, column, groups.size) };
}

/** E.g. "tau = dynamic time of column 'step' under a cosine schedule (peak 0.0003, warmup 100, total 10000)". */
function scheduleNote(spec: ScheduleSpec, stepsColumn: string, column: string, count: number): string {
  const fields = NUMERIC.filter((k) => spec[k] !== undefined).map((k) => `${k} ${typeof spec[k] === 'string' ? `from column '${spec[k]}'` : fmt(spec[k] as number)}`);
  return `${column} = dynamic time of column '${stepsColumn}' under a ${spec.kind} schedule (${fields.join(', ') || 'defaults'})${count > 1 ? `, ${count} distinct schedules` : ''}`;
}
