/**
 * The result shapes the notebook layer draws, as structural interfaces: only the fields the charts
 * and tables read. The real results (src/fit, src/frontier, src/recipes, src/toys) satisfy them.
 */
import type { FitResult } from '../fit/types';
import type { FrontierRow } from '../frontier/types';

export type TableLike = unknown; // a danfo DataFrame, an array of records, or an object of columns

export type FitLike = Pick<FitResult, 'kind' | 'law' | 'roles' | 'data' | 'evaluate' | 'summary'>
  & Partial<Pick<FitResult, 'lawName' | 'params' | 'coefficients' | 'exponents' | 'predict' | 'columns' | 'n' | 'residuals' | 'bootstrap'>>;

export interface FrontierLike {
  kind: 'frontier';
  rows: FrontierRow[];
  bands?: unknown;
  aspectRatio?: number;
  tokensPerParam: number;
  lossExponent?: number;
  constants?: Record<string, unknown>;
  loss?(C: number): number;
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
