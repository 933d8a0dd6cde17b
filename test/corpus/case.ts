// The corpus's vocabulary: a case is one input to one entry point with what it should give (a
// ScalingLabError of a given code whose message names the culprit, or a result a check accepts). Each
// case runs in its own process (child.ts); the parent (corpus.test.ts) classifies what came back.
import { Rng } from '../../src/util/random';

export type Expectation =
  /** A ScalingLabError with this code, a hint, and a message matching `names` (the column, option or row). */
  | { error: string; names?: RegExp }
  /** A normal result; `check` throws (an assertion) if it is wrong. Results are also searched for NaN. */
  | { ok: (result: any) => void; allowNaN?: string };

export interface Case {
  /** Unique per entry point within its file; the full id is `<file>:<entry>/<id>` (caseKey). */
  id: string;
  /** The public function (or namespace.function) the input goes to. */
  entry: string;
  run: () => unknown;
  expect: Expectation;
  /** Wall-clock limit in ms (default 60 s; a case takes 1 to 3 s of CPU, a toy run up to about 10). */
  timeoutMs?: number;
  /** Resident-memory limit in MB (default 1024). */
  memoryMB?: number;
}

/** The case's name within its file. */
export function caseKey(c: Case): string {
  return `${c.entry}/${c.id}`;
}

/** Shorthand: a case that must throw a ScalingLabError with `code` naming `names`. */
export function bad(entry: string, id: string, run: () => unknown, code: string, names?: RegExp, extra: Partial<Case> = {}): Case {
  return { id, entry, run, expect: { error: code, names }, ...extra };
}

/** Shorthand: a case whose result `check` accepts. */
export function good(entry: string, id: string, run: () => unknown, check: (result: any) => void, extra: Partial<Case> = {}): Case {
  return { id, entry, run, expect: { ok: check }, ...extra };
}

export type Rows = Array<Record<string, unknown>>;

/** Noisy runs of the universal form L = 1.7 + 400/width + 3/depth + 1000 tokens^(-1/3). */
export function universalRows(n = 40, seed = 1): Array<Record<string, number>> {
  const g = new Rng(seed);
  return Array.from({ length: n }, () => {
    const width = 256 * Math.pow(16, g.uniform()), depth = Math.round(4 + 40 * g.uniform()), tokens = 1e9 * Math.pow(100, g.uniform());
    return { width, depth, tokens, loss: (1.7 + 400 / width + 3 / depth + 1000 * Math.pow(tokens, -1 / 3)) * Math.exp(0.005 * g.normal()) };
  });
}

/** Noisy runs of a Chinchilla-form law L = 1.8 + 400 / N^0.34 + 400 / D^0.28 over params and tokens. */
export function chinchillaRows(n = 40, seed = 2): Array<Record<string, number>> {
  const g = new Rng(seed);
  return Array.from({ length: n }, () => {
    const params = 1e7 * Math.pow(1000, g.uniform()), tokens = 1e9 * Math.pow(1000, g.uniform());
    return { params, tokens, loss: (1.8 + 400 * Math.pow(params, -0.34) + 400 * Math.pow(tokens, -0.28)) * Math.exp(0.005 * g.normal()) };
  });
}

/** An AbortSignal that is already aborted. */
export function abortedSignal(): AbortSignal {
  const c = new AbortController();
  c.abort();
  return c.signal;
}

/** Throws unless `cond`; the message says what was wrong (kept free of node:assert so a check reads in one line). */
export function must(cond: unknown, what: string): void {
  if (!cond) throw new Error(what);
}
