/**
 * The envelope of a fit's JSON (serialize.ts reads it back): its format and version, and non-finite
 * numbers (Infinity bounds, NaN p-values), which JSON cannot hold, as { $number: 'Infinity' }.
 */

/** The `format` and `version` fields of a fit's JSON. */
export const FIT_FORMAT = 'scalinglab-fit';
export const FIT_FORMAT_VERSION = 1;

/** JSON.stringify's replacer of fit JSON: non-finite numbers as tagged objects. */
export function fitJSONReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
}

/** JSON.parse's reviver of fit JSON: the tagged numbers back. */
export function reviveNumbers(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$number') return Number((value as { $number: string }).$number);
  }
  return value;
}
