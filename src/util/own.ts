/**
 * Lookups by a name that comes from data or from the user (a column, a law symbol, a parameter): only
 * own properties count, so names such as `constructor`, `toString` or `__proto__` are ordinary names
 * and never reach Object.prototype.
 */

/** True when `key` is an own property of `obj`. */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** obj[key] when it is an own property, else undefined. */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets obj[key] as an own, enumerable property, even for '__proto__' (which `obj[key] = v` would turn into the prototype). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
