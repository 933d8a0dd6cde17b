import { ScalingLabError } from '../errors';
import { CONSTANTS, isConstant, lawFunction } from './functions';
import { hasOwn } from './names';
import type { MathNode } from './parse';
import { stripParentheses } from './tree';

/** A law (or part of one) turned into a function of its symbols' values. */
export type Evaluator = (scope: Record<string, number>) => number;

const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
};

/**
 * Builds the law's value as nested closures, walking the tree once, so that a law evaluated many times
 * (the numeric frontier, the closed forms' coefficients per bootstrap draw) is not re-interpreted each
 * time. Fitting uses the generated code of compile.ts instead.
 */
export function evaluator(node: MathNode): Evaluator {
  const n = stripParentheses(node);
  switch (n.type) {
    case 'ConstantNode': { const c = n.value as number; return () => c; }
    case 'SymbolNode': {
      const name = n.name!;
      if (isConstant(name)) { const c = CONSTANTS[name]; return () => c; }
      return (scope) => {
        const v = hasOwn(scope, name) ? scope[name] : undefined;
        if (typeof v !== 'number') throw new ScalingLabError('missing-variable', `evaluate: no value for '${name}'.`);
        return v;
      };
    }
    case 'OperatorNode': {
      const [a, b] = n.args!.map(evaluator);
      if (n.fn === 'unaryMinus') return (scope) => -a(scope);
      if (n.fn === 'unaryPlus') return a;
      const op = BINARY[n.fn as string];
      if (op) return (scope) => op(a(scope), b(scope));
      break;
    }
    case 'FunctionNode': {
      const f = lawFunction((n.fn as MathNode).name!);
      const args = n.args!.map(evaluator);
      const [a, b] = args;
      // Variadic min/max fold pairwise, left to right, as codegen.ts does.
      if (f && args.length > 2) return (scope) => args.slice(1).reduce((acc, g) => f.value(acc, g(scope)), a(scope));
      if (f && b) return (scope) => f.value(a(scope), b(scope));
      if (f) return (scope) => f.value(a(scope));
    }
  }
  throw new Error(`internal: cannot evaluate ${n.type} ${n.toString()}`);
}

/** Evaluators of the nodes evaluated so far: a fit's predict/evaluate builds its law's closures once. */
const built = new WeakMap<MathNode, Evaluator>();

/** Evaluates a law at one point (for predict/evaluate; not used in fitting). */
export function evaluateNode(node: MathNode, scope: Record<string, number>): number {
  let f = built.get(node);
  if (!f) { f = evaluator(node); built.set(node, f); }
  return f(scope);
}
