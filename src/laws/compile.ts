import { emitLaw, type EmittedLaw } from './codegen';
import type { MathNode } from './parse';

/**
 * A law compiled to JavaScript closures that compute the law and its analytic Jacobian over
 * Float64Arrays with no allocation per call (codegen.ts writes the expression code; this file wraps it
 * in the point loop), plus the fused Huber/least-squares kernels the Levenberg-Marquardt solver uses.
 */

/** A law compiled for given data variables and fitted parameters. */
export interface CompiledModel {
  /** f = law at each point and J = df/dtheta (n x p row-major); false if some f is not positive and finite. */
  model(theta: Float64Array, f: Float64Array, J: Float64Array): boolean;
  /** f only. */
  value(theta: Float64Array, f: Float64Array): boolean;
  /** Fused kernels for lmSolve (present when bound with the log losses): see LMProblem. */
  objective?(theta: Float64Array, w: Float64Array | null, delta: number): number;
  accumulate?(theta: Float64Array, w: Float64Array | null, delta: number, exact: boolean, M: Float64Array, H: Float64Array, g: Float64Array): number;
  /** The generated source, for debugging. */
  source: string;
}

type Kernel = (...a: unknown[]) => unknown;

/**
 * Compiles `node` over data variables `vars` (arrays given to `bind`) and parameters `params`
 * (theta[j]; those in `logParams` enter as exp(theta[j]) so that d/dtheta_j = P_j d/dP_j).
 */
export function compileLaw(node: MathNode, vars: string[], params: string[], logParams: Set<string>) {
  const withJ = emitLaw(node, vars, params, logParams, true);
  const noJ = emitLaw(node, vars, params, logParams, false);
  const p = params.length;
  const modelSrc = pointLoop(withJ, p, true);
  const data = [...vars.map((_, k) => `x${k}`), ...vars.map((_, k) => `lx${k}`)];
  const args = ['theta', 'f', 'J', 'n', ...data];
  const kargs = ['theta', 'w', 'delta', 'exact', 'M', 'H', 'g', 'n', 'logy', ...data];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const modelFn = new Function(...args, modelSrc) as Kernel;
  const valueFn = new Function(...args, pointLoop(noJ, p, false)) as Kernel;
  const objFn = new Function(...kargs, fusedLoop(noJ, p, false)) as Kernel;
  const accFn = new Function(...kargs, fusedLoop(withJ, p, true)) as Kernel;
  const usedLog = withJ.usedLog;
  return {
    source: modelSrc,
    /** Binds data arrays (same order as `vars`); returns the fast model. */
    bind(xs: Float64Array[], logy?: Float64Array): CompiledModel {
      const n = xs[0]?.length ?? 0;
      const lxs = xs.map((x, k) => (usedLog.has(k) ? Float64Array.from(x, Math.log) : x));
      const extra = [...xs, ...lxs];
      return {
        source: modelSrc,
        model: (theta, f, J) => modelFn(theta, f, J, n, ...extra) as boolean,
        value: (theta, f) => valueFn(theta, f, null, n, ...extra) as boolean,
        ...(logy ? {
          objective: (theta: Float64Array, w: Float64Array | null, delta: number) => objFn(theta, w, delta, false, null, null, null, n, logy, ...extra) as number,
          accumulate: (theta: Float64Array, w: Float64Array | null, delta: number, exact: boolean, M: Float64Array, H: Float64Array, g: Float64Array) =>
            accFn(theta, w, delta, exact, M, H, g, n, logy, ...extra) as number,
        } : {}),
      };
    },
  };
}

/** f[i] (and row i of J) at every point; returns false at the first f that is not positive and finite. */
function pointLoop(e: EmittedLaw, p: number, withJ: boolean): string {
  const jac: string[] = [];
  if (withJ) for (let j = 0; j < p; j++) jac.push(`J[row + ${j}] = ${e.out.d.get(j) ?? '0'};`);
  const check = `if (!(${e.out.v} > 0) || ${e.out.v} === Infinity) return false;`;
  return [...e.pre, 'for (let i = 0; i < n; i++) {', ...e.body, `f[i] = ${e.out.v};`, check,
    ...(withJ ? [`const row = i * ${p};`, ...jac] : []), '}', 'return true;'].join('\n');
}

/**
 * Fused objective (and, with `acc`, gradient and normal equations) on log residuals, Huber or least
 * squares (delta = Infinity), with every matrix entry in a local variable.
 */
function fusedLoop(e: EmittedLaw, p: number, acc: boolean): string {
  const lines: string[] = [...e.pre, 'let obj = 0;'];
  if (acc) {
    for (let a = 0; a < p; a++) {
      lines.push(`let g${a} = 0;`);
      for (let b = 0; b <= a; b++) lines.push(`let m${a}_${b} = 0, h${a}_${b} = 0;`);
    }
  }
  lines.push('for (let i = 0; i < n; i++) {', ...e.body, `const fi = ${e.out.v};`, 'if (!(fi > 0) || fi === Infinity) return Infinity;',
    'const wi = w === null ? 1 : w[i];', 'if (wi === 0) continue;', 'const ri = logy[i] - Math.log(fi);', 'const ar = ri < 0 ? -ri : ri;',
    'const inside = ar <= delta;', 'obj += wi * (inside ? 0.5 * ri * ri : delta * (ar - 0.5 * delta));');
  if (acc) {
    lines.push('const inv = 1 / fi;', 'const u = inside ? wi : wi * delta / ar;', 'const ps = inside ? wi * ri : (ri > 0 ? wi * delta : -wi * delta);');
    for (let a = 0; a < p; a++) lines.push(`const j${a} = ${e.out.d.get(a) ?? '0'} * inv;`, `g${a} -= ps * j${a};`);
    for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) lines.push(`m${a}_${b} += u * j${a} * j${b};`);
    lines.push('if (exact && inside) {');
    for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) lines.push(`h${a}_${b} += wi * j${a} * j${b};`);
    lines.push('}');
  }
  lines.push('}');
  if (acc) {
    for (let a = 0; a < p; a++) {
      lines.push(`g[${a}] = g${a};`);
      for (let b = 0; b <= a; b++) lines.push(`M[${a * p + b}] = m${a}_${b}; M[${b * p + a}] = m${a}_${b}; H[${a * p + b}] = h${a}_${b}; H[${b * p + a}] = h${a}_${b};`);
    }
  }
  lines.push('return obj;');
  return lines.join('\n');
}
