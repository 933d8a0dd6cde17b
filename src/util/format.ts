/**
 * The one number formatter of reports, tables and checks: `digits` significant digits, exponent
 * notation outside [1e-3, 1e5), trailing zeros dropped, and a dash for a missing or non-finite value.
 */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}
