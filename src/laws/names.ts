/**
 * Records keyed by names users choose (law symbols, parameters, built-in law names, recipes). A name
 * such as `constructor`, `toString` or `__proto__` must be an ordinary key: lookups are own-property
 * checks, and records built from such names have no prototype (assigning `__proto__` to a plain
 * object would set its prototype instead of adding a key).
 */

/** True when `record` has its own property `key` (never a member of Object.prototype). */
export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The value under an own key, or undefined. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && hasOwn(record, key) ? record[key] : undefined;
}

/** A prototype-free copy of `entries` (or an empty record): every name, `__proto__` included, is a plain key. */
export function nameRecord<T>(entries: Readonly<Record<string, T>> | Iterable<readonly [string, T]> = {}): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  const list = Symbol.iterator in Object(entries) ? (entries as Iterable<readonly [string, T]>) : Object.entries(entries as Record<string, T>);
  for (const [k, v] of list) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
