import { ScalingLabError } from '../errors';
import { scaleParameters, type MathNode } from '../laws/expression';
import { additiveTerms } from '../laws/tree';
import type { ResolvedParams } from './params';
import { thetaOf } from './params';

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

/** What each parameter is in the law, for the automatic grid: exponents and additive floors (the rest are scales). */
export interface ParameterKinds { exponents: Set<string>; floors: Set<string> }

/**
 * Exponents are parameters inside an exponent; floors are default log-parameters standing alone as an
 * additive term of the top-level sum (E in E + A/N^alpha).
 */
export function parameterKinds(node: MathNode, params: string[], defaultLog: string[]): ParameterKinds {
  const exponents = new Set<string>();
  node.traverse((nd) => {
    if (nd.type === 'OperatorNode' && nd.fn === 'pow') nd.args![1].traverse((q) => { if (q.type === 'SymbolNode' && params.includes(q.name!)) exponents.add(q.name!); });
  });
  const scales = scaleParameters(node, params);
  const alone = (k: string) => additiveTerms(node).some((t) => t.type === 'SymbolNode' && t.name === k);
  return { exponents, floors: new Set(defaultLog.filter((k) => !exponents.has(k) && scales.includes(k) && alone(k))) };
}

/** Start points in theta space (rows of length free.length); minLoss is the lowest loss fitted. */
export function buildStarts(spec: StartSpec, rp: ResolvedParams, kinds: ParameterKinds, minLoss: number, fn: string): Float64Array[] {
  let natural: Array<Record<string, number>>;
  if (spec === 'hoffmann') {
    const extra = rp.free.filter((k) => !(k in HOFFMANN_GRID));
    if (extra.length) {
      throw new ScalingLabError('bad-option', `${fn}: starts 'hoffmann' is the grid for E + A/N^alpha + B/D^beta; this law has free parameter(s) ${extra.join(', ')} outside it.`,
        "use starts: 'auto' or give start points as an array of { parameter: value } records.");
    }
    natural = product(rp.free, rp.free.map((k) => HOFFMANN_GRID[k]));
  } else if (spec === 'auto' || spec === undefined) {
    const values = rp.free.map((k) => {
      if (kinds.exponents.has(k)) return [0.2, 0.5, 1];
      if (kinds.floors.has(k)) return [0.5 * minLoss, 0.9 * minLoss];
      if (rp.log.has(k)) return [1, Math.exp(5), Math.exp(10), Math.exp(15)];
      return [0.1, 1];
    });
    natural = product(rp.free, values);
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
    throw new ScalingLabError('bad-option', `${fn}: starts must be 'hoffmann', 'auto' or an array of { parameter: value } records.`);
  }
  return natural.map((s) => {
    const th = new Float64Array(rp.free.length);
    rp.free.forEach((k, j) => {
      let v = thetaOf(rp, j, s[k], fn);
      if (v < rp.lower[j]) v = rp.lower[j];
      if (v > rp.upper[j]) v = rp.upper[j];
      th[j] = v;
    });
    return th;
  });
}
