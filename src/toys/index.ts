import type { DataFrame } from 'danfojs-node';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame } from '../data/frame';
import { ProgressCallback, progressReporter } from '../progress';
import { attachDisplay } from '../display-hook';
import { Engine, ToyBackend, openEngine, toyBackends } from './engine';
import { Rng } from '../util/random';
import { makeTick, ToyContext } from './common';
import { SoftmaxTimeOptions, softmaxTimeDefaults, trainSoftmaxTime, ToyCore } from './softmax-time';
import { SuperpositionWidthOptions, superpositionDefaults, defaultGamma, trainSuperpositionWidth } from './superposition-width';
import { ResidualDepthOptions, residualDepthDefaults, trainResidualDepth } from './residual-depth';

export type { ToyBackend } from './engine';
export type { SoftmaxTimeOptions } from './softmax-time';
export type { SuperpositionWidthOptions } from './superposition-width';
export type { ResidualDepthOptions } from './residual-depth';

/** The toys: each isolates the mechanism behind one universal exponent. */
export const toyNames = ['softmax-time', 'superposition-width', 'residual-depth'] as const;
export type ToyName = (typeof toyNames)[number];

/** Options every toy takes. */
export interface CommonToyOptions {
  /** Seed of every random draw (data, initialisation, teacher). Default 0. */
  seed?: number;
  /** Force a tfjs backend for the dense products; default: the best available. */
  backend?: ToyBackend | 'auto';
  /** Progress while training (the notebook layer draws a bar from it). */
  onProgress?: ProgressCallback;
  /** Abort the run: runToy then rejects and frees every tensor. */
  signal?: AbortSignal;
}

export type ToyOptions<N extends ToyName = ToyName> = CommonToyOptions & Partial<
  N extends 'softmax-time' ? SoftmaxTimeOptions : N extends 'superposition-width' ? SuperpositionWidthOptions : ResidualDepthOptions
>;

export interface ToyResult {
  kind: 'toy';
  name: ToyName;
  /** One row per logged step: step, tau, loss, plus width / depth columns where swept. */
  curves: DataFrame;
  /** The points the exponent was fitted on. */
  points: { x: number[]; loss: number[]; xLabel: string };
  exponent: { value: number; stderr: number; ci: [number, number]; expected: number; range: [number, number] };
  /** Where the dense matrix products ran (element-wise work and the optimizer run in plain JS). */
  backend: ToyBackend;
  seconds: number;
  options: Record<string, unknown>;
  notes: string[];
  overlap?: number[];
  representedFraction?: number[];
  summary(): string;
}

const common = ['seed', 'backend', 'onProgress', 'signal'] as const;
const knownKeys: Record<ToyName, readonly string[]> = {
  'softmax-time': [...common, ...Object.keys(softmaxTimeDefaults)],
  'superposition-width': [...common, ...Object.keys(superpositionDefaults), 'gamma'],
  'residual-depth': [...common, ...Object.keys(residualDepthDefaults)],
};

const paperValue: Record<ToyName, string> = {
  'softmax-time': 'L ~ tau^(-1/3) (Liu et al., one-third time scaling; toy 0.337 +/- 0.002)',
  'superposition-width': 'L ~ 1/m in strong superposition, m^-(alpha-1) in weak (Liu, Liu, Gore 2025)',
  'residual-depth': 'L ~ 1/l for an independent-layer teacher, steeper (towards l^-3 once converged) for a tied one (Liu et al., inverse depth scaling)',
};

function bad(option: string, message: string, hint: string): never {
  throw new ScalingLabError('bad-option', `runToy: option '${option}' ${message}`, hint);
}

function int(o: Record<string, unknown>, key: string, min: number): void {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    bad(key, `must be an integer >= ${min}, got ${JSON.stringify(v)}.`, `pass e.g. ${key}: ${Math.max(min, 1) * 10}.`);
  }
}

function num(o: Record<string, unknown>, key: string, positive = true): void {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) {
    bad(key, `must be a ${positive ? 'positive ' : ''}finite number, got ${JSON.stringify(v)}.`, `pass a number such as ${key}: 0.01.`);
  }
}

function intList(o: Record<string, unknown>, key: string, min: number): void {
  const v = o[key];
  if (!Array.isArray(v) || v.length < 1 || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min)) {
    bad(key, `must be a non-empty list of integers >= ${min}, got ${JSON.stringify(v)}.`, `pass e.g. ${key}: [2, 4, 8, 16].`);
  }
  if (new Set(v as number[]).size !== (v as number[]).length) bad(key, 'has repeated values.', 'list each size once.');
}

/** Fills in the defaults and checks every option; throws before any training. */
export function resolveToyOptions(name: ToyName, options: Record<string, unknown>): Record<string, unknown> {
  if (!(toyNames as readonly string[]).includes(name)) {
    throw new ScalingLabError('unknown-toy', `runToy: unknown toy '${String(name)}'.`, `use one of: ${toyNames.join(', ')}.`);
  }
  checkOptionKeys(`runToy('${name}')`, options, knownKeys[name]);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const base = { seed: 0, backend: 'auto' };
  let o: Record<string, unknown>;
  if (name === 'softmax-time') {
    o = { ...base, ...softmaxTimeDefaults, ...given };
    num(o, 'temperature');
    int(o, 'vocab', 2);
    int(o, 'dim', 1);
    const fr = o.fitRange;
    if (!Array.isArray(fr) || fr.length !== 2 || !(fr[0] > 0) || !(fr[1] > fr[0])) {
      bad('fitRange', `must be [tauFrom, tauTo] with 0 < tauFrom < tauTo, got ${JSON.stringify(fr)}.`, 'pass e.g. fitRange: [5, 150].');
    }
  } else if (name === 'superposition-width') {
    const regime = (given.regime ?? (typeof given.gamma === 'number' && given.gamma > 0 ? 'weak' : superpositionDefaults.regime)) as string;
    if (regime !== 'strong' && regime !== 'weak') {
      bad('regime', `must be 'strong' or 'weak', got ${JSON.stringify(regime)}.`, "pass regime: 'strong' (gamma < 0) or regime: 'weak' (gamma > 0).");
    }
    o = { ...base, ...superpositionDefaults, gamma: defaultGamma[regime as 'strong' | 'weak'], ...given, regime };
    num(o, 'alpha', false);
    num(o, 'gamma', false);
    if (regime === 'strong' && (o.gamma as number) >= 0) bad('gamma', `must be negative in the strong regime, got ${o.gamma}.`, "use gamma < 0 (default -1), or regime: 'weak'.");
    if (regime === 'weak' && (o.gamma as number) < 0) bad('gamma', `must be >= 0 in the weak regime, got ${o.gamma}.`, "use gamma >= 0 (default 0.1), or regime: 'strong'.");
    int(o, 'features', 2);
    intList(o, 'widths', 1);
    const n = o.features as number;
    const over = (o.widths as number[]).filter((m) => m > n);
    if (over.length) bad('widths', `has width ${over[0]} larger than the number of features (${n}).`, `keep every width <= features (${n}), or raise features.`);
    num(o, 'warmup', false);
    num(o, 'lrFloor', false);
    num(o, 'finalFraction');
  } else {
    o = { ...base, ...residualDepthDefaults, ...given };
    if (o.teacher !== 'independent' && o.teacher !== 'tied') {
      bad('teacher', `must be 'independent' or 'tied', got ${JSON.stringify(o.teacher)}.`, "pass teacher: 'independent' (loss ~ 1/l) or teacher: 'tied'.");
    }
    intList(o, 'depths', 1);
    int(o, 'teacherDepth', 1);
    int(o, 'dim', 1);
    int(o, 'hidden', 1);
    int(o, 'pool', 1);
    int(o, 'testSize', 1);
    num(o, 'lrDecayStart');
    num(o, 'lrDepthPower', false);
    num(o, 'lrDecayTo');
  }
  int(o, 'steps', 1);
  int(o, 'batch', 1);
  num(o, 'lr');
  int(o, 'logEvery', 1);
  if (typeof o.seed !== 'number' || !Number.isFinite(o.seed)) bad('seed', `must be a number, got ${JSON.stringify(o.seed)}.`, 'pass e.g. seed: 0.');
  if (o.backend !== 'auto' && !toyBackends.includes(o.backend as ToyBackend)) {
    bad('backend', `must be one of ${toyBackends.join(', ')} or 'auto', got ${JSON.stringify(o.backend)}.`, "leave it out to use the best available backend.");
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') bad('onProgress', 'must be a function.', 'pass onProgress: (p) => { ... }.');
  if (o.signal !== undefined && (typeof o.signal !== 'object' || o.signal === null || !('aborted' in (o.signal as object)))) {
    bad('signal', 'must be an AbortSignal.', 'pass signal: new AbortController().signal.');
  }
  return o;
}

function totalSteps(name: ToyName, o: Record<string, unknown>): number {
  if (name === 'superposition-width') return (o.steps as number) * (o.widths as number[]).length;
  if (name === 'residual-depth') return (o.steps as number) * (o.depths as number[]).length;
  return o.steps as number;
}

function fmt(x: number, d = 3): string {
  return Number.isFinite(x) ? x.toFixed(d) : String(x);
}

/**
 * Trains a toy that isolates the mechanism behind one universal exponent and fits that exponent.
 *   runToy('softmax-time', { seed: 0 })                     loss ~ tau^(-1/3)
 *   runToy('superposition-width', { regime: 'strong' })     loss ~ 1/m  (weak: m^-(alpha-1))
 *   runToy('residual-depth', { teacher: 'independent' })    loss ~ 1/l
 */
export async function runToy<N extends ToyName>(name: N, options: ToyOptions<N> = {} as ToyOptions<N>): Promise<ToyResult> {
  const o = resolveToyOptions(name, (options ?? {}) as Record<string, unknown>);
  const signal = o.signal as AbortSignal | undefined;
  if (signal?.aborted) throw (await import('./common')).abortError(signal);
  const started = Date.now();
  const engine: Engine = await openEngine(o.backend as ToyBackend | 'auto');
  let core: ToyCore;
  try {
    const report = progressReporter(name, totalSteps(name, o), o.onProgress as ProgressCallback | undefined);
    const ctx: ToyContext = { engine, rng: new Rng(o.seed as number), signal, report, tick: makeTick(signal) };
    if (name === 'softmax-time') core = await trainSoftmaxTime(o as unknown as SoftmaxTimeOptions, ctx);
    else if (name === 'superposition-width') core = await trainSuperpositionWidth(o as unknown as SuperpositionWidthOptions, ctx);
    else core = await trainResidualDepth(o as unknown as ResidualDepthOptions, ctx);
  } finally {
    const leaked = engine.tf.memory().numTensors - engine.startTensors;
    await engine.close();
    if (leaked !== 0) console.warn(`scalinglab runToy: ${leaked} tensors left allocated (bug)`);
  }
  const seconds = (Date.now() - started) / 1000;
  const { onProgress: _p, signal: _s, ...shown } = o;
  void _p;
  void _s;
  const notes = [...core.notes, `dense matrix products ran on tfjs '${engine.backend}'; element-wise work, sparse gathers and the optimizer in plain JS (Float32Array)`];
  const result: ToyResult = {
    kind: 'toy',
    name,
    curves: toDataFrame(core.curves),
    points: core.points,
    exponent: core.exponent,
    backend: engine.backend,
    seconds,
    options: shown,
    notes,
    ...(core.overlap ? { overlap: core.overlap } : {}),
    ...(core.representedFraction ? { representedFraction: core.representedFraction } : {}),
    summary() {
      const e = this.exponent;
      const settings = Object.entries(this.options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join(', ');
      const lines = [
        `runToy('${this.name}')`,
        `  settings: ${settings}`,
        `  exponent: ${fmt(e.value)} +/- ${fmt(e.stderr)} (95% CI ${fmt(e.ci[0])} to ${fmt(e.ci[1])}) over ${this.points.xLabel} in [${e.range[0]}, ${e.range[1]}]; expected ${fmt(e.expected)}`,
        `  paper: ${paperValue[this.name]}`,
        `  backend: ${this.backend}, ${this.seconds.toFixed(1)} s`,
        ...this.notes.map((n) => `  - ${n}`),
      ];
      return lines.join('\n');
    },
  };
  return attachDisplay(result);
}
