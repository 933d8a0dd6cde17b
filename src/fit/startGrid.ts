import { ScalingLabError, describeValue } from '../errors';
import { hasOwn } from '../util/own';
import type { ResolvedParams } from './params';
import { thetaOf } from './params';
import { rangeStarts, type ParameterKinds } from './paramRoles';

/** Where the local solver starts: Hoffmann's grid, a small automatic grid, or given points. */
export type StartSpec = 'hoffmann' | 'auto' | Array<Record<string, number>>;

const range = (a: number, b: number, step: number) => { const out: number[] = []; for (let x = a; x <= b + 1e-9; x += step) out.push(x); return out; };

/**
 * Hoffmann et al. 2022, App. D.2 (as in Epoch's replication): alpha, beta in {0, 0.5, ..., 2};
 * e in {-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}, with E = e^e, A = e^a, B = e^b: 5*5*5*6*6 = 4500 starts.
 * Values are in log-coefficient space; returned here in natural units.
 */
export const HOFFMANN_GRID: Record<string, number[]> = {
  alpha: range(0, 2, 0.5), beta: range(0, 2, 0.5),
  E: range(-1, 1, 0.5).map(Math.exp), A: range(0, 25, 5).map(Math.exp), B: range(0, 25, 5).map(Math.exp),
};

/** Most start points of the automatic grid. */
const MAX_AUTO_STARTS = 2000;

/** Cartesian product of per-parameter value lists (first parameter varies slowest). */
function product(names: string[], values: number[][]): Array<Record<string, number>> {
  let out: Array<Record<string, number>> = [{}];
  names.forEach((nm, k) => {
    const next: Array<Record<string, number>> = [];
    for (const o of out) for (const v of values[k]) next.push({ ...o, [nm]: v });
    out = next;
  });
  return out;
}

/** What the automatic grid reads off the data: the lowest loss fitted, and each law variable's values. */
export interface StartData { minLoss: number; variables: Record<string, Float64Array> }

/** The automatic grid's values of one parameter, from its role in the law and the data's ranges. */
function autoValues(k: string, rp: ResolvedParams, kinds: ParameterKinds, data: StartData): number[] {
  const own = (m: Map<string, unknown>) => m.has(k);
  if (kinds.exponents.has(k)) return [0.2, 0.5, 1];
  const ranged = own(kinds.offsets) ? rangeStarts(data.variables[kinds.offsets.get(k)!.variable], 'offset', kinds.offsets.get(k)!.transform)
    : own(kinds.scales) ? rangeStarts(data.variables[kinds.scales.get(k)!], 'scale')
      : own(kinds.rates) ? rangeStarts(data.variables[kinds.rates.get(k)!], 'rate') : [];
  // A log-parameter needs positive starts (an offset can be negative).
  const usable = rp.log.has(k) ? ranged.filter((v) => v > 0) : ranged;
  if (usable.length) return usable;
  if (kinds.floors.has(k)) return [0.5 * data.minLoss, 0.9 * data.minLoss];
  if (rp.log.has(k)) return [1, Math.exp(5), Math.exp(10), Math.exp(15)];
  return [0.1, 1];
}

/**
 * Each free parameter's values in the automatic grid, in theta (clamped to its bounds): where the
 * convergence check restarts a poorly determined parameter from.
 */
export function autoStartValues(rp: ResolvedParams, kinds: ParameterKinds, data: StartData, fn: string): number[][] {
  return rp.free.map((k, j) => [...new Set(autoValues(k, rp, kinds, data).map((v) => clamp(thetaOf(rp, j, v, fn), rp.lower[j], rp.upper[j])))]);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Start points in theta space (rows of length free.length). */
export function buildStarts(spec: StartSpec, rp: ResolvedParams, kinds: ParameterKinds, data: StartData, fn: string): Float64Array[] {
  let natural: Array<Record<string, number>>;
  if (spec === 'hoffmann') {
    const extra = rp.free.filter((k) => !hasOwn(HOFFMANN_GRID, k));
    if (extra.length) {
      throw new ScalingLabError('bad-option', `${fn}: starts 'hoffmann' is the grid for E + A/N^alpha + B/D^beta; this law has free parameter(s) ${extra.join(', ')} outside it.`,
        "use starts: 'auto' or give start points as an array of { parameter: value } records.");
    }
    natural = product(rp.free, rp.free.map((k) => HOFFMANN_GRID[k]));
  } else if (spec === 'auto' || spec === undefined) {
    natural = product(rp.free, rp.free.map((k) => autoValues(k, rp, kinds, data)));
    // Keep it small: thin evenly.
    if (natural.length > MAX_AUTO_STARTS) { const stride = natural.length / MAX_AUTO_STARTS; natural = Array.from({ length: MAX_AUTO_STARTS }, (_, i) => natural[Math.floor(i * stride)]); }
  } else if (Array.isArray(spec)) {
    if (spec.length === 0) throw new ScalingLabError('bad-option', `${fn}: starts is an empty array.`);
    spec.forEach((s, i) => {
      if (!s || typeof s !== 'object') throw new ScalingLabError('bad-option', `${fn}: starts[${i}] must be a record { parameter: value }.`);
      for (const k of Object.keys(s)) if (!rp.all.includes(k)) throw new ScalingLabError('unknown-parameter', `${fn}: starts[${i}] names '${k}', which is not a parameter.`, `parameters are: ${rp.all.join(', ')}.`);
      for (const k of rp.free) if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) {
        throw new ScalingLabError('bad-option', `${fn}: starts[${i}] has no finite value for free parameter '${k}'.`, `give every free parameter: ${rp.free.join(', ')}.`);
      }
    });
    natural = spec;
  } else {
    throw new ScalingLabError('bad-option', `${fn}: starts must be 'hoffmann', 'auto' or an array of { parameter: value } records, got ${describeValue(spec)}.`,
      "leave it out (or 'auto') for the default starts, 'hoffmann' for Hoffmann et al.'s grid, or e.g. [{ alpha: 0.3, beta: 0.3 }].");
  }
  return natural.map((s) => Float64Array.from(rp.free, (k, j) => clamp(thetaOf(rp, j, s[k], fn), rp.lower[j], rp.upper[j])));
}
