import { ScalingLabError } from '../errors';
import { additiveTerms, stripParentheses } from './tree';

/**
 * Law expressions: parsed with mathjs, then compiled to a JavaScript closure that computes the law
 * and its analytic gradient (forward-mode differentiation generated as straight-line code) over
 * Float64Arrays, with no allocation per call. Sub-expressions that do not depend on the data are
 * hoisted out of the point loop, and powers of data variables use precomputed logarithms.
 */

/** The subset of a mathjs node we use. */
export interface MathNode {
  type: string;
  name?: string;
  value?: unknown;
  op?: string;
  fn?: MathNode | string;
  args?: MathNode[];
  content?: MathNode;
  toString(): string;
  transform(cb: (node: MathNode) => MathNode): MathNode;
  traverse(cb: (node: MathNode, path: string, parent: MathNode | null) => void): void;
}

let mathjs: { parse: (s: string) => MathNode; ConstantNode: new (v: number) => MathNode; ParenthesisNode: new (n: MathNode) => MathNode } | undefined;
/** mathjs is loaded on first use (about half a second). */
export function loadMath() {
  if (!mathjs) mathjs = require('mathjs');
  return mathjs!;
}

/** Functions a law may use. */
export const FUNCTIONS = ['exp', 'log', 'log10', 'sqrt', 'pow'];
/** Symbols with a fixed meaning (everything else is a data variable or a parameter). */
export const CONSTANTS: Record<string, number> = { pi: Math.PI };

export interface ParsedLaw {
  node: MathNode;
  text: string;
  /** Free symbols in order of first appearance. */
  symbols: string[];
}

/** Parses a law; throws a ScalingLabError naming the problem when it does not parse or uses an unknown function. */
export function parseLaw(text: string, fn: string): ParsedLaw {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ScalingLabError('bad-expression', `${fn}: the law must be a non-empty expression string or a built-in name.`);
  }
  let node: MathNode;
  try {
    node = loadMath().parse(text);
  } catch (e) {
    throw new ScalingLabError('bad-expression', `${fn}: the law '${text}' does not parse: ${(e as Error).message}.`,
      "write it like 'E + A / N^alpha + B / D^beta' (operators + - * / ^, functions exp, log, sqrt).");
  }
  return { node, text, symbols: checkNode(node, text, fn) };
}

function checkNode(node: MathNode, text: string, fn: string): string[] {
  const symbols: string[] = [];
  const visit = (n: MathNode) => {
    switch (n.type) {
      case 'ConstantNode':
        if (typeof n.value !== 'number') throw new ScalingLabError('bad-expression', `${fn}: the law '${text}' contains a non-numeric constant ${String(n.value)}.`);
        return;
      case 'SymbolNode':
        if (!(n.name! in CONSTANTS) && !symbols.includes(n.name!)) symbols.push(n.name!);
        return;
      case 'ParenthesisNode': visit(n.content!); return;
      case 'OperatorNode':
        if (!['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus'].includes(n.fn as string)) {
          throw new ScalingLabError('bad-expression', `${fn}: operator '${n.op}' is not supported in a law ('${text}').`, 'use + - * / ^ and exp, log, sqrt.');
        }
        n.args!.forEach(visit);
        return;
      case 'FunctionNode': {
        const name = (n.fn as MathNode).name!;
        if (!FUNCTIONS.includes(name)) {
          throw new ScalingLabError('unknown-symbol', `${fn}: unknown function '${name}' in the law '${text}'.`, `supported functions: ${FUNCTIONS.join(', ')}.`);
        }
        const arity = name === 'log' ? [1, 2] : name === 'pow' ? [2] : [1];
        if (!arity.includes(n.args!.length)) throw new ScalingLabError('bad-expression', `${fn}: ${name}() takes ${arity.join(' or ')} argument(s) in '${text}'.`);
        n.args!.forEach(visit);
        return;
      }
      default:
        throw new ScalingLabError('bad-expression', `${fn}: '${n.toString()}' (a ${n.type}) is not allowed in a law ('${text}').`, 'a law is one arithmetic expression.');
    }
  };
  visit(node);
  return symbols;
}

/** Replaces symbols by numbers (fixed parameters) or expressions (tied parameters). */
export function substitute(node: MathNode, values: Record<string, number>, exprs: Record<string, MathNode>): MathNode {
  const m = loadMath();
  return node.transform((n) => {
    if (n.type === 'SymbolNode' && n.name! in values) return new m.ConstantNode(values[n.name!]);
    if (n.type === 'SymbolNode' && n.name! in exprs) return new m.ParenthesisNode(exprs[n.name!]);
    return n;
  });
}

/** Parameters that scale a term (a direct factor of * or numerator of /) or stand alone as an additive term. */
export function scaleParameters(node: MathNode, params: string[]): string[] {
  const out = new Set<string>();
  const strip = stripParentheses;
  const isParam = (n: MathNode) => { const s = strip(n); return s.type === 'SymbolNode' && params.includes(s.name!) ? s.name! : null; };
  for (const t of additiveTerms(node)) { const p = isParam(t); if (p) out.add(p); }
  node.traverse((n) => {
    if (n.type !== 'OperatorNode') return;
    if (n.fn === 'multiply') n.args!.forEach((a) => { const p = isParam(a); if (p) out.add(p); });
    if (n.fn === 'divide') { const p = isParam(n.args![0]); if (p) out.add(p); }
  });
  return params.filter((p) => out.has(p));
}

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

interface Gen { v: string; d: Map<number, string>; loop: boolean; konst?: number }

/**
 * Compiles `node` over data variables `vars` (arrays given to `bind`) and parameters `params`
 * (theta[j]; those in `logParams` enter as exp(theta[j]) so that d/dtheta_j = P_j d/dP_j).
 */
export function compileLaw(node: MathNode, vars: string[], params: string[], logParams: Set<string>) {
  const withJ = generate(node, vars, params, logParams, 'model');
  const noJ = generate(node, vars, params, logParams, 'value');
  const objK = generate(node, vars, params, logParams, 'objective');
  const accK = generate(node, vars, params, logParams, 'accumulate');
  const data = [...vars.map((_, k) => `x${k}`), ...vars.map((_, k) => `lx${k}`)];
  const args = ['theta', 'f', 'J', 'n', ...data];
  const kargs = ['theta', 'w', 'delta', 'exact', 'M', 'H', 'g', 'n', 'logy', ...data];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const modelFn = new Function(...args, withJ.src) as (...a: unknown[]) => boolean;
  const valueFn = new Function(...args, noJ.src) as (...a: unknown[]) => boolean;
  const objFn = new Function(...kargs, objK.src) as (...a: unknown[]) => number;
  const accFn = new Function(...kargs, accK.src) as (...a: unknown[]) => number;
  const usedLog = withJ.usedLog;
  return {
    source: withJ.src,
    /** Binds data arrays (same order as `vars`); returns the fast model. */
    bind(xs: Float64Array[], logy?: Float64Array): CompiledModel {
      const n = xs[0]?.length ?? 0;
      const lxs = xs.map((x, k) => (usedLog.has(k) ? Float64Array.from(x, Math.log) : x));
      const extra = [...xs, ...lxs];
      return {
        source: withJ.src,
        model: (theta, f, J) => modelFn(theta, f, J, n, ...extra),
        value: (theta, f) => valueFn(theta, f, null, n, ...extra),
        ...(logy ? {
          objective: (theta: Float64Array, w: Float64Array | null, delta: number) => objFn(theta, w, delta, false, null, null, null, n, logy, ...extra),
          accumulate: (theta: Float64Array, w: Float64Array | null, delta: number, exact: boolean, M: Float64Array, H: Float64Array, g: Float64Array) =>
            accFn(theta, w, delta, exact, M, H, g, n, logy, ...extra),
        } : {}),
      };
    },
  };
}

function generate(node: MathNode, vars: string[], params: string[], logParams: Set<string>, mode: 'model' | 'value' | 'objective' | 'accumulate'): { src: string; usedLog: Set<number> } {
  const withDeriv = mode === 'model' || mode === 'accumulate';
  const pre: string[] = [];
  const body: string[] = [];
  let tmp = 0;
  const usedLog = new Set<number>();
  const emit = (loop: boolean, expr: string): string => {
    const name = `t${tmp++}`;
    (loop ? body : pre).push(`const ${name} = ${expr};`);
    return name;
  };
  params.forEach((p, j) => pre.push(`const P${j} = ${logParams.has(p) ? `Math.exp(theta[${j}])` : `theta[${j}]`};`));
  const strip = stripParentheses;
  const constant = (c: number): Gen => ({ v: `(${String(c)})`, d: new Map(), loop: false, konst: c });
  const gen = (n0: MathNode): Gen => {
    const n = strip(n0);
    if (n.type === 'ConstantNode') return constant(n.value as number);
    if (n.type === 'SymbolNode') {
      const name = n.name!;
      if (name in CONSTANTS) return constant(CONSTANTS[name]);
      const vi = vars.indexOf(name);
      if (vi >= 0) return { v: `x${vi}[i]`, d: new Map(), loop: true };
      const j = params.indexOf(name);
      if (j < 0) throw new Error(`internal: symbol ${name} is neither variable nor parameter`);
      return { v: `P${j}`, d: withDeriv ? new Map([[j, logParams.has(name) ? `P${j}` : '1']]) : new Map(), loop: false };
    }
    if (n.type === 'OperatorNode') {
      const a = n.args!.map(gen);
      const loop = a.some((x) => x.loop);
      const keys = new Set<number>(a.flatMap((x) => [...x.d.keys()]));
      const d = new Map<number, string>();
      const dOf = (g: Gen, j: number) => g.d.get(j);
      switch (n.fn) {
        case 'unaryPlus': return a[0];
        case 'unaryMinus': {
          const v = emit(loop, `-${a[0].v}`);
          for (const j of keys) d.set(j, emit(loop, `-${dOf(a[0], j)}`));
          return { v, d, loop };
        }
        case 'add': case 'subtract': {
          const s = n.fn === 'add' ? '+' : '-';
          const v = emit(loop, `${a[0].v} ${s} ${a[1].v}`);
          for (const j of keys) {
            const da = dOf(a[0], j), db = dOf(a[1], j);
            d.set(j, emit(loop, da && db ? `${da} ${s} ${db}` : da ? da : `${s === '-' ? '-' : ''}${db}`));
          }
          return { v, d, loop };
        }
        case 'multiply': {
          const v = emit(loop, `${a[0].v} * ${a[1].v}`);
          for (const j of keys) {
            const da = dOf(a[0], j), db = dOf(a[1], j);
            const parts = [da ? `${da} * ${a[1].v}` : '', db ? `${a[0].v} * ${db}` : ''].filter(Boolean);
            d.set(j, emit(loop, parts.join(' + ')));
          }
          return { v, d, loop };
        }
        case 'divide': {
          const v = emit(loop, `${a[0].v} / ${a[1].v}`);
          for (const j of keys) {
            const da = dOf(a[0], j), db = dOf(a[1], j);
            d.set(j, emit(loop, `(${da ?? '0'}${db ? ` - ${v} * ${db}` : ''}) / ${a[1].v}`));
          }
          return { v, d, loop };
        }
        case 'pow': return genPow(a[0], a[1], strip(n.args![0]));
      }
    }
    if (n.type === 'FunctionNode') {
      const name = (n.fn as MathNode).name!;
      if (name === 'pow') return genPow(gen(n.args![0]), gen(n.args![1]), strip(n.args![0]));
      const a = gen(n.args![0]);
      const loop = a.loop;
      const d = new Map<number, string>();
      if (name === 'exp') {
        const v = emit(loop, `Math.exp(${a.v})`);
        for (const [j, da] of a.d) d.set(j, emit(loop, `${v} * ${da}`));
        return { v, d, loop };
      }
      if (name === 'sqrt') {
        const v = emit(loop, `Math.sqrt(${a.v})`);
        for (const [j, da] of a.d) d.set(j, emit(loop, `${da} / (2 * ${v})`));
        return { v, d, loop };
      }
      if (name === 'log' || name === 'log10') {
        let base = name === 'log10' ? constant(10) : null;
        if (name === 'log' && n.args!.length === 2) base = gen(n.args![1]);
        if (base && base.d.size) throw new ScalingLabError('bad-expression', 'log(x, base): the base may not depend on parameters.');
        const lb = base ? emit(base.loop, `Math.log(${base.v})`) : '1';
        const lp = loop || (base?.loop ?? false);
        const v = emit(lp, `Math.log(${a.v}) / ${lb}`);
        for (const [j, da] of a.d) d.set(j, emit(lp, `${da} / (${a.v} * ${lb})`));
        return { v, d, loop: lp };
      }
    }
    throw new Error(`internal: unsupported node ${n.type}`);
  };
  const genPow = (a: Gen, b: Gen, baseNode: MathNode): Gen => {
    const loop = a.loop || b.loop;
    const d = new Map<number, string>();
    if (b.konst !== undefined && b.d.size === 0) {
      const c = b.konst;
      const v = c === -1 ? emit(loop, `1 / ${a.v}`) : c === 2 ? emit(loop, `${a.v} * ${a.v}`) : c === 0.5 ? emit(loop, `Math.sqrt(${a.v})`) : emit(loop, `Math.pow(${a.v}, ${c})`);
      for (const [j, da] of a.d) d.set(j, emit(loop, `${c} * ${v} / ${a.v} * ${da}`));
      return { v, d, loop };
    }
    // Base is a data variable: x^b = exp(b ln x) with ln x precomputed per point.
    const vi = baseNode.type === 'SymbolNode' ? vars.indexOf(baseNode.name!) : -1;
    if (vi >= 0) {
      usedLog.add(vi);
      const v = emit(loop, `Math.exp(${b.v} * lx${vi}[i])`);
      for (const [j, db] of b.d) d.set(j, emit(loop, `${v} * lx${vi}[i] * ${db}`));
      return { v, d, loop };
    }
    const v = emit(loop, `Math.pow(${a.v}, ${b.v})`);
    const keys = new Set([...a.d.keys(), ...b.d.keys()]);
    if (keys.size) {
      const la = emit(loop, `Math.log(${a.v})`);
      for (const j of keys) {
        const da = a.d.get(j), db = b.d.get(j);
        const parts = [db ? `${db} * ${la}` : '', da ? `${b.v} * ${da} / ${a.v}` : ''].filter(Boolean);
        d.set(j, emit(loop, `${v} * (${parts.join(' + ')})`));
      }
    }
    return { v, d, loop };
  };
  const out = gen(node);
  const p = params.length;
  if (mode === 'model' || mode === 'value') {
    const jac: string[] = [];
    if (withDeriv) for (let j = 0; j < p; j++) jac.push(`J[row + ${j}] = ${out.d.get(j) ?? '0'};`);
    const check = `if (!(${out.v} > 0) || ${out.v} === Infinity) return false;`;
    const src = [...pre, 'for (let i = 0; i < n; i++) {', ...body, `f[i] = ${out.v};`, check,
      ...(withDeriv ? [`const row = i * ${p};`, ...jac] : []), '}', 'return true;'].join('\n');
    return { src, usedLog };
  }
  // Fused objective (and normal equations) on log residuals, Huber or least squares (delta = Infinity),
  // with every matrix entry in a local variable.
  const lines: string[] = [...pre, 'let obj = 0;'];
  const acc = mode === 'accumulate';
  if (acc) {
    for (let a = 0; a < p; a++) {
      lines.push(`let g${a} = 0;`);
      for (let b = 0; b <= a; b++) lines.push(`let m${a}_${b} = 0, h${a}_${b} = 0;`);
    }
  }
  lines.push('for (let i = 0; i < n; i++) {', ...body, `const fi = ${out.v};`, 'if (!(fi > 0) || fi === Infinity) return Infinity;',
    'const wi = w === null ? 1 : w[i];', 'if (wi === 0) continue;', 'const ri = logy[i] - Math.log(fi);', 'const ar = ri < 0 ? -ri : ri;',
    'const inside = ar <= delta;', 'obj += wi * (inside ? 0.5 * ri * ri : delta * (ar - 0.5 * delta));');
  if (acc) {
    lines.push('const inv = 1 / fi;', 'const u = inside ? wi : wi * delta / ar;', 'const ps = inside ? wi * ri : (ri > 0 ? wi * delta : -wi * delta);');
    for (let a = 0; a < p; a++) lines.push(`const j${a} = ${out.d.get(a) ?? '0'} * inv;`, `g${a} -= ps * j${a};`);
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
  return { src: lines.join('\n'), usedLog };
}

/** Evaluates a law at one point by plain interpretation (for predict/evaluate; not used in fitting). */
export function evaluateNode(node: MathNode, scope: Record<string, number>): number {
  const strip = stripParentheses;
  const ev = (n0: MathNode): number => {
    const n = strip(n0);
    switch (n.type) {
      case 'ConstantNode': return n.value as number;
      case 'SymbolNode': {
        if (n.name! in CONSTANTS) return CONSTANTS[n.name!];
        const v = scope[n.name!];
        if (typeof v !== 'number') throw new ScalingLabError('missing-variable', `evaluate: no value for '${n.name}'.`);
        return v;
      }
      case 'OperatorNode': {
        const a = n.args!.map(ev);
        switch (n.fn) {
          case 'add': return a[0] + a[1];
          case 'subtract': return a[0] - a[1];
          case 'multiply': return a[0] * a[1];
          case 'divide': return a[0] / a[1];
          case 'pow': return Math.pow(a[0], a[1]);
          case 'unaryMinus': return -a[0];
          case 'unaryPlus': return a[0];
        }
        break;
      }
      case 'FunctionNode': {
        const a = n.args!.map(ev);
        switch ((n.fn as MathNode).name) {
          case 'exp': return Math.exp(a[0]);
          case 'log': return a.length === 2 ? Math.log(a[0]) / Math.log(a[1]) : Math.log(a[0]);
          case 'log10': return Math.log10(a[0]);
          case 'sqrt': return Math.sqrt(a[0]);
          case 'pow': return Math.pow(a[0], a[1]);
        }
      }
    }
    throw new Error(`internal: cannot evaluate ${n.type}`);
  };
  return ev(node);
}

