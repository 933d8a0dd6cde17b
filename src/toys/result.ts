import type { DataFrame } from '../data/frame';
import { fmt } from '../util/format';
import type { ToyBackend } from './engine';
import type { ToyExponent, ToyPoints } from './core';
import type { ResolvedToyOptions, ToyName, ToyTypes } from './registry';
import { ToyStability, stabilityWord } from './stability';

/** The options shown on a result: the resolved ones without the callbacks. */
export type ShownToyOptions<N extends ToyName = ToyName> = Omit<ResolvedToyOptions<N>, 'onProgress' | 'signal'>;

/** The fields of every toy's result. */
export interface ToyResultBase<N extends ToyName> {
  kind: 'toy';
  name: N;
  /** One row per logged step: step, tau, loss, plus width / depth columns where swept. */
  curves: DataFrame;
  /** The points the exponent was fitted on. */
  points: ToyPoints;
  exponent: ToyExponent;
  /** c of the fitted power law loss ~ c x^(-exponent): the loss the fit gives at x = 1. */
  coefficient: number;
  /** The exponent from half the training budget against the whole (null for a toy that does not measure it). */
  stability: ToyStability | null;
  /** Where the dense matrix products ran (element-wise work and the optimizer run in plain JS). */
  backend: ToyBackend;
  seconds: number;
  options: ShownToyOptions<N>;
  notes: string[];
  summary(): string;
}

/** A toy's result: the common fields and the toy's own (e.g. overlap for superposition-width). */
export type ToyResult<N extends ToyName = ToyName> = N extends ToyName ? ToyResultBase<N> & ToyTypes[N]['extra'] : never;

/** Fixed 3 decimals, as the toy summaries have always printed exponents. */
function fixed3(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : String(x);
}

/** The summary() of a toy result: settings, exponent with its interval, the paper's statement, notes. */
export function toySummary(r: Pick<ToyResultBase<ToyName>, 'name' | 'points' | 'exponent' | 'coefficient' | 'stability' | 'backend' | 'seconds' | 'notes'> & { options: object }, paper: string): string {
  const e = r.exponent;
  const st = r.stability;
  const settings = Object.entries(r.options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join(', ');
  const lines = [
    `runToy('${r.name}')`,
    `  settings: ${settings}`,
    `  exponent: ${fixed3(e.value)} +/- ${fixed3(e.stderr)} (95% CI ${fixed3(e.ci[0])} to ${fixed3(e.ci[1])}) over ${r.points.xLabel} in [${e.range[0]}, ${e.range[1]}]; expected ${fixed3(e.expected)}`,
    `  coefficient: ${fmt(r.coefficient)} (loss ~ coefficient x ${r.points.xLabel}^-exponent)`
      + (st ? `; exponent at half the budget ${fixed3(st.half)} +/- ${fixed3(st.halfStderr)}: ${stabilityWord(st.stable)} (drift ${fixed3(st.drift)})` : ''),
    `  paper: ${paper}`,
    `  backend: ${r.backend}, ${r.seconds.toFixed(1)} s`,
    ...r.notes.map((n) => `  - ${n}`),
  ];
  return lines.join('\n');
}
