/**
 * The result shapes the notebook layer draws, as structural interfaces: only the fields the charts
 * and tables read. The real results (src/fit, src/frontier, src/recipes, src/toys) satisfy them;
 * checkShape tells a look-alike (`show({ kind: 'fit' })`, a JSON copy) from a result before drawing.
 */
import { ScalingLabError } from '../errors';
import type { FitResult } from '../fit/types';
import type { FrontierRow } from '../frontier/types';

export type TableLike = unknown; // a danfo DataFrame, an array of records, or an object of columns

export type FitLike = Pick<FitResult, 'kind' | 'law' | 'roles' | 'data' | 'evaluate' | 'summary'>
  & Partial<Pick<FitResult, 'lawName' | 'params' | 'coefficients' | 'exponents' | 'predict' | 'columns' | 'n' | 'residuals' | 'bootstrap' | 'level'>>;

export interface FrontierLike {
  kind: 'frontier';
  rows: FrontierRow[];
  bands?: unknown;
  aspectRatio?: number;
  tokensPerParam: number;
  lossExponent?: number;
  constants?: Record<string, unknown>;
  /** Level of the bands (default 0.95). */
  level?: number;
  loss?(C: number): number;
  /** The optimum at any budget: lets a frontier of one budget draw its lines over a range. */
  at?(C: number): FrontierRow;
  summary(): string;
}

export interface RecipesLike {
  kind: 'recipes';
  recipes: Record<string, { fit: FitLike; frontier: FrontierLike; n: number }>;
  budgets: number[];
  multiplier?(a: string, b: string, C: number): number;
  best?: Array<{ flops: number; recipe: string; loss: number }>;
  summary(): string;
}

export interface ToyLike {
  kind: 'toy';
  name: string;
  curves: TableLike;
  points: { x: number[]; loss: number[]; xLabel: string };
  exponent: { value: number; stderr: number | null; ci: [number, number] | null; expected: number | null; range: [number, number] | null };
  backend: string;
  seconds: number;
  notes: string[];
  overlap?: unknown;
  representedFraction?: unknown;
  summary(): string;
}

export type ScienceResult = FitLike | FrontierLike | RecipesLike | ToyLike;

/** What each kind of result must have to be drawn: [field path, type]. */
const REQUIRED: Record<ScienceResult['kind'], Array<[string, 'object' | 'array' | 'function' | 'string' | 'number']>> = {
  fit: [['law', 'string'], ['data.variables', 'object'], ['data.loss', 'array'], ['evaluate', 'function']],
  frontier: [['rows', 'array'], ['tokensPerParam', 'number']],
  recipes: [['recipes', 'object'], ['budgets', 'array']],
  toy: [['name', 'string'], ['curves', 'object'], ['points', 'object'], ['exponent', 'object']],
};

const WHO: Record<ScienceResult['kind'], string> = {
  fit: 'fitUniversal or fitLaw', frontier: 'frontier', recipes: 'compareRecipes', toy: 'runToy',
};

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/**
 * Throws a ScalingLabError naming the missing fields when `value` says it is a `kind` result but lacks
 * what its chart reads (e.g. `show({ kind: 'fit' })`, or a result passed through JSON, which drops
 * its functions).
 */
export function checkShape(value: unknown, kind: ScienceResult['kind'], fn = 'show'): void {
  const missing = REQUIRED[kind].filter(([path, type]) => {
    const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), value);
    return type === 'array' ? !Array.isArray(v) : typeOf(v) !== type;
  }).map(([path, type]) => `${path} (${type === 'object' ? 'an object' : type === 'array' ? 'an array' : `a ${type}`})`);
  if (!missing.length) return;
  throw new ScalingLabError('bad-value', `${fn}: a value with kind '${kind}' must be a ${kind} result; this one has no ${missing.join(', ')}.`,
    `pass the result of ${WHO[kind]} itself (a JSON copy loses its functions), or a plotly figure from plots.${kind}(...).`);
}
