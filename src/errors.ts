/**
 * The package's one error class. Every check on user input throws it before any solver or
 * training loop runs, with a message that names the column, row or option and says how to fix it.
 */
export class ScalingLabError extends Error {
  /** Short machine-readable kind, e.g. 'missing-column', 'bad-value', 'unknown-option'. */
  readonly code: string;
  /** What to do about it, when there is a concrete fix. Already part of `message`. */
  readonly hint?: string;
  /** The message without the hint, for wrapping in a message with more context. */
  readonly reason: string;

  constructor(code: string, message: string, hint?: string) {
    super(hint ? `${message}\n  How to fix: ${hint}` : message);
    this.name = 'ScalingLabError';
    this.code = code;
    this.hint = hint;
    this.reason = message;
  }
}

/** Throws a ScalingLabError for option keys that the function does not know. */
export function checkOptionKeys(fn: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') {
    throw new ScalingLabError('bad-option', `${fn}: options must be an object, got ${typeof options}.`,
      `pass an object of named options (known: ${known.join(', ')}), or leave it out for the defaults.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const close = known.find((k) => k.toLowerCase() === key.toLowerCase() || k.startsWith(key) || key.startsWith(k));
      const near = close ? undefined : closestName(key, known);
      throw new ScalingLabError(
        'unknown-option',
        `${fn}: unknown option '${key}'.`,
        close ? `did you mean '${close}'? Known options: ${known.join(', ')}.`
          : `known options are: ${known.join(', ')}${near ? ` (did you mean '${near}'?)` : ''}.`,
      );
    }
  }
}

/** A value as an error message shows it: NaN, Infinity and undefined as themselves (JSON would print null), strings quoted. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The known name a misspelt one most likely means: same but for case, a prefix, or at most 2 edits away; undefined if none. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower || k.startsWith(name) || name.startsWith(k));
  if (exact) return exact;
  let best: string | undefined, bestDistance = 3;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

/** Levenshtein distance (names are short). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
