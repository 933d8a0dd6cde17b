import { evaluator } from './evaluate';
import { loadMath, type MathNode } from './parse';
import { stripParentheses, symbolsOf } from './tree';

/**
 * Reading a one-variable term as a power law c x^(-p), symbolically: the term is rewritten as
 * coefficient * x^exponent by the rules of exponents (x > 0), so `A / N^alpha`, `A * N^(-alpha)`,
 * `c_m / m`, `c_D * D^(-1/3)`, `(A/N)^alpha` or `A / sqrt(N)` are recognised, with a coefficient and an
 * exponent that are parameters, numbers or expressions of parameters only. A variable inside a sum, an
 * exp or a log (`A / (N + 1)^a`, `A * exp(-N/k)`) is not a power law. See docs/derivations.md#universal-form.
 */

/** A term c x^(-p): `coefficient` c and `exponent` p as expressions of the parameters. */
export interface PowerTerm { coefficient: MathNode; exponent: MathNode }

/** term = c * x^e while reading (e is the power of x, minus the law's exponent p). */
interface Reading { c: MathNode; e: MathNode }

/** Reads `term` as c x^(-p) in `variable`, or null when it is not of that form. */
export function asPowerTerm(term: MathNode, variable: string): PowerTerm | null {
  const r = read(term, variable);
  return r ? { coefficient: r.c, exponent: neg(r.e) } : null;
}

function read(node: MathNode, x: string): Reading | null {
  const n = stripParentheses(node);
  if (!symbolsOf(n).has(x)) return { c: n, e: num(0) };
  if (n.type === 'SymbolNode') return { c: num(1), e: num(1) };
  const args = n.args ?? [];
  const fn = n.type === 'FunctionNode' ? (n.fn as MathNode).name : n.type === 'OperatorNode' ? (n.fn as string) : undefined;
  switch (fn) {
    case 'unaryPlus': return read(args[0], x);
    case 'unaryMinus': { const a = read(args[0], x); return a && { c: neg(a.c), e: a.e }; }
    case 'multiply': case 'divide': {
      const a = read(args[0], x);
      const b = a && read(args[1], x);
      if (!a || !b) return null;
      return fn === 'multiply' ? { c: op('*', 'multiply', a.c, b.c), e: op('+', 'add', a.e, b.e) } : { c: op('/', 'divide', a.c, b.c), e: op('-', 'subtract', a.e, b.e) };
    }
    case 'pow': return power(args[0], args[1], x);
    case 'sqrt': {
      const a = read(args[0], x);
      return a && { c: fold(new (loadMath().FunctionNode)('sqrt', [a.c])), e: op('*', 'multiply', a.e, num(0.5)) };
    }
  }
  // A sum, exp, log or log10 of the variable.
  return null;
}

/** (c x^e)^b = c^b x^(e b) for x > 0, when b is free of x. */
function power(base: MathNode, exponent: MathNode, x: string): Reading | null {
  if (symbolsOf(exponent).has(x)) return null;
  const a = read(base, x);
  const b = stripParentheses(exponent);
  return a && { c: op('^', 'pow', a.c, b), e: op('*', 'multiply', a.e, b) };
}

const num = (v: number): MathNode => new (loadMath().ConstantNode)(v);
const valueOf = (n: MathNode): number | undefined => (n.type === 'ConstantNode' ? (n.value as number) : undefined);

function neg(a: MathNode): MathNode {
  const s = stripParentheses(a);
  if (s.type === 'OperatorNode' && s.fn === 'unaryMinus') return stripParentheses(s.args![0]);
  return fold(new (loadMath().OperatorNode)('-', 'unaryMinus', [a]));
}

/**
 * A binary node with the identities that keep the result readable (1 * a = a, a / 1 = a, a + 0 = a,
 * 1^b = 1, a^1 = a, -1 * a = -a); each leaves a finite value unchanged, bit for bit.
 */
function op(sym: string, fn: string, a: MathNode, b: MathNode): MathNode {
  const va = valueOf(a), vb = valueOf(b);
  if (fn === 'multiply' && va === 1) return b;
  if ((fn === 'multiply' || fn === 'divide' || fn === 'pow') && vb === 1) return a;
  if ((fn === 'add' || fn === 'subtract') && vb === 0) return a;
  if (fn === 'add' && va === 0) return b;
  if (fn === 'subtract' && va === 0) return neg(b);
  if (fn === 'multiply' && va === -1) return neg(b);
  if (fn === 'pow' && va === 1) return num(1);
  return fold(new (loadMath().OperatorNode)(sym, fn, [a, b]));
}

/** An expression of numbers only becomes one number. */
function fold(n: MathNode): MathNode {
  return symbolsOf(n).size === 0 ? num(evaluator(n)({})) : n;
}
