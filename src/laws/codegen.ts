import { ScalingLabError } from '../errors';
import { CONSTANTS, isConstant, pickMax, pickMin } from './functions';
import type { MathNode } from './parse';
import { stripParentheses } from './tree';

/**
 * Forward-mode differentiation of a law generated as straight-line JavaScript: one `const` per
 * sub-expression and per derivative. Sub-expressions that do not depend on the data go before the
 * point loop (`pre`), the others inside it (`body`); powers of a data variable use its precomputed
 * logarithm lx<k>[i]. compile.ts wraps the result in the point loop.
 */

/** A generated sub-expression: its value, its derivative by each parameter index, whether it varies by point. */
export interface Gen { v: string; d: Map<number, string>; loop: boolean; konst?: number }

/** The law as code: declarations before and inside the point loop, and the law's own Gen. */
export interface EmittedLaw { pre: string[]; body: string[]; out: Gen; usedLog: Set<number> }

/**
 * Generates code for `node` over data variables `vars` (x<k>[i]) and parameters `params` (P<j>, from
 * theta[j]; those in `logParams` are exp(theta[j]), so that d/dtheta_j = P_j d/dP_j). Derivatives are
 * generated only when `withDeriv`.
 */
export function emitLaw(node: MathNode, vars: string[], params: string[], logParams: Set<string>, withDeriv: boolean): EmittedLaw {
  const w = new Writer(vars, params, logParams, withDeriv);
  params.forEach((p, j) => w.pre.push(`const P${j} = ${logParams.has(p) ? `Math.exp(theta[${j}])` : `theta[${j}]`};`));
  const out = w.gen(node);
  return { pre: w.pre, body: w.body, out, usedLog: w.usedLog };
}

class Writer {
  readonly pre: string[] = [];
  readonly body: string[] = [];
  readonly usedLog = new Set<number>();
  private tmp = 0;

  constructor(private vars: string[], private params: string[], private logParams: Set<string>, private withDeriv: boolean) {}

  /** Declares t<k> = expr before the loop, or inside it when it varies by point. */
  private emit(loop: boolean, expr: string): string {
    const name = `t${this.tmp++}`;
    (loop ? this.body : this.pre).push(`const ${name} = ${expr};`);
    return name;
  }

  private constant(c: number): Gen {
    return { v: `(${String(c)})`, d: new Map(), loop: false, konst: c };
  }

  gen(n0: MathNode): Gen {
    const n = stripParentheses(n0);
    if (n.type === 'ConstantNode') return this.constant(n.value as number);
    if (n.type === 'SymbolNode') return this.symbol(n.name!);
    if (n.type === 'OperatorNode') {
      const a = n.args!.map((x) => this.gen(x));
      if (n.fn === 'pow') return this.power(a[0], a[1], stripParentheses(n.args![0]));
      return this.operator(n.fn as string, a);
    }
    if (n.type === 'FunctionNode') return this.call(n);
    throw new Error(`internal: unsupported node ${n.type}`);
  }

  private symbol(name: string): Gen {
    if (isConstant(name)) return this.constant(CONSTANTS[name]);
    const vi = this.vars.indexOf(name);
    if (vi >= 0) return { v: `x${vi}[i]`, d: new Map(), loop: true };
    const j = this.params.indexOf(name);
    if (j < 0) throw new Error(`internal: symbol ${name} is neither variable nor parameter`);
    return { v: `P${j}`, d: this.withDeriv ? new Map([[j, this.logParams.has(name) ? `P${j}` : '1']]) : new Map(), loop: false };
  }

  /** + - * / and unary minus/plus, with the sum, product and quotient rules. */
  private operator(fn: string, a: Gen[]): Gen {
    const loop = a.some((x) => x.loop);
    const keys = new Set<number>(a.flatMap((x) => [...x.d.keys()]));
    const d = new Map<number, string>();
    switch (fn) {
      case 'unaryPlus': return a[0];
      case 'unaryMinus': {
        const v = this.emit(loop, `-${a[0].v}`);
        for (const j of keys) d.set(j, this.emit(loop, `-${a[0].d.get(j)}`));
        return { v, d, loop };
      }
      case 'add': case 'subtract': {
        const s = fn === 'add' ? '+' : '-';
        const v = this.emit(loop, `${a[0].v} ${s} ${a[1].v}`);
        for (const j of keys) {
          const da = a[0].d.get(j), db = a[1].d.get(j);
          d.set(j, this.emit(loop, da && db ? `${da} ${s} ${db}` : da ? da : `${s === '-' ? '-' : ''}${db}`));
        }
        return { v, d, loop };
      }
      case 'multiply': {
        const v = this.emit(loop, `${a[0].v} * ${a[1].v}`);
        for (const j of keys) {
          const da = a[0].d.get(j), db = a[1].d.get(j);
          const parts = [da ? `${da} * ${a[1].v}` : '', db ? `${a[0].v} * ${db}` : ''].filter(Boolean);
          d.set(j, this.emit(loop, parts.join(' + ')));
        }
        return { v, d, loop };
      }
      case 'divide': {
        const v = this.emit(loop, `${a[0].v} / ${a[1].v}`);
        for (const j of keys) {
          const da = a[0].d.get(j), db = a[1].d.get(j);
          d.set(j, this.emit(loop, `(${da ?? '0'}${db ? ` - ${v} * ${db}` : ''}) / ${a[1].v}`));
        }
        return { v, d, loop };
      }
    }
    throw new Error(`internal: unsupported operator ${fn}`);
  }

  /** exp, sqrt, log, log10, pow(a, b), min, max and abs: one derivative rule each (the names of functions.ts). */
  private call(n: MathNode): Gen {
    const name = (n.fn as MathNode).name!;
    if (name === 'pow') return this.power(this.gen(n.args![0]), this.gen(n.args![1]), stripParentheses(n.args![0]));
    if (name === 'min' || name === 'max') return n.args!.map((x) => this.gen(x)).reduce((a, b) => this.pick(name, a, b));
    const a = this.gen(n.args![0]);
    const loop = a.loop;
    const d = new Map<number, string>();
    if (name === 'exp') {
      const v = this.emit(loop, `Math.exp(${a.v})`);
      for (const [j, da] of a.d) d.set(j, this.emit(loop, `${v} * ${da}`));
      return { v, d, loop };
    }
    if (name === 'sqrt') {
      const v = this.emit(loop, `Math.sqrt(${a.v})`);
      for (const [j, da] of a.d) d.set(j, this.emit(loop, `${da} / (2 * ${v})`));
      return { v, d, loop };
    }
    if (name === 'log' || name === 'log10') {
      let base = name === 'log10' ? this.constant(10) : null;
      if (name === 'log' && n.args!.length === 2) base = this.gen(n.args![1]);
      if (base && base.d.size) throw new ScalingLabError('bad-expression', 'log(x, base): the base may not depend on parameters.');
      const lb = base ? this.emit(base.loop, `Math.log(${base.v})`) : '1';
      const lp = loop || (base?.loop ?? false);
      const v = this.emit(lp, `Math.log(${a.v}) / ${lb}`);
      for (const [j, da] of a.d) d.set(j, this.emit(lp, `${da} / (${a.v} * ${lb})`));
      return { v, d, loop: lp };
    }
    if (name === 'abs') {
      // Subgradient 0 at a = 0 (the smallest one), sign(a) elsewhere.
      const v = this.emit(loop, `Math.abs(${a.v})`);
      const sign = a.d.size ? this.emit(loop, `(${a.v} > 0 ? 1 : ${a.v} < 0 ? -1 : 0)`) : '';
      for (const [j, da] of a.d) d.set(j, this.emit(loop, `${sign} * ${da}`));
      return { v, d, loop };
    }
    throw new Error(`internal: no derivative rule for ${name}()`);
  }

  /**
   * min(a, b) or max(a, b): the value and the derivatives of the argument picked, the first on a tie
   * (a subgradient where they cross) and a NaN argument wins, as pickMin/pickMax in functions.ts.
   */
  private pick(name: 'min' | 'max', a: Gen, b: Gen): Gen {
    if (a.konst !== undefined && b.konst !== undefined) return this.constant((name === 'min' ? pickMin : pickMax)(a.konst, b.konst));
    const loop = a.loop || b.loop;
    const first = this.emit(loop, `${a.v} ${name === 'min' ? '<=' : '>='} ${b.v} || ${a.v} !== ${a.v}`);
    const v = this.emit(loop, `${first} ? ${a.v} : ${b.v}`);
    const d = new Map<number, string>();
    for (const j of new Set([...a.d.keys(), ...b.d.keys()])) d.set(j, this.emit(loop, `${first} ? ${a.d.get(j) ?? '0'} : ${b.d.get(j) ?? '0'}`));
    return { v, d, loop };
  }

  /** a^b: a constant exponent, a data-variable base (exp(b ln x) with ln x precomputed), or the general rule. */
  private power(a: Gen, b: Gen, baseNode: MathNode): Gen {
    const loop = a.loop || b.loop;
    const d = new Map<number, string>();
    if (b.konst !== undefined && b.d.size === 0) {
      const c = b.konst;
      const v = c === -1 ? this.emit(loop, `1 / ${a.v}`) : c === 2 ? this.emit(loop, `${a.v} * ${a.v}`) : c === 0.5 ? this.emit(loop, `Math.sqrt(${a.v})`) : this.emit(loop, `Math.pow(${a.v}, ${c})`);
      // The power rule c u^(c-1) du, not c u^c / u du: that one is NaN at u = 0 (a parabola at its centre).
      const slope = c === -1 ? `-${v} * ${v}` : c === 2 ? `2 * ${a.v}` : c === 1 ? '1' : c === 0 ? '0' : `${c} * Math.pow(${a.v}, ${c - 1})`;
      for (const [j, da] of a.d) d.set(j, this.emit(loop, `${slope} * ${da}`));
      return { v, d, loop };
    }
    const vi = baseNode.type === 'SymbolNode' ? this.vars.indexOf(baseNode.name!) : -1;
    if (vi >= 0) {
      this.usedLog.add(vi);
      const v = this.emit(loop, `Math.exp(${b.v} * lx${vi}[i])`);
      for (const [j, db] of b.d) d.set(j, this.emit(loop, `${v} * lx${vi}[i] * ${db}`));
      return { v, d, loop };
    }
    const v = this.emit(loop, `Math.pow(${a.v}, ${b.v})`);
    const keys = new Set([...a.d.keys(), ...b.d.keys()]);
    if (keys.size) {
      // d(a^b) = a^b ln(a) db + b a^(b-1) da, with a^b ln a = 0 at a = 0 (its limit for b > 0), not 0 * -Infinity.
      const vla = b.d.size ? this.emit(loop, `${v} === 0 ? 0 : ${v} * Math.log(${a.v})`) : '';
      const slope = a.d.size ? this.emit(loop, `${b.v} * Math.pow(${a.v}, ${b.v} - 1)`) : '';
      for (const j of keys) {
        const da = a.d.get(j), db = b.d.get(j);
        const parts = [db ? `${vla} * ${db}` : '', da ? `${slope} * ${da}` : ''].filter(Boolean);
        d.set(j, this.emit(loop, parts.join(' + ')));
      }
    }
    return { v, d, loop };
  }
}
