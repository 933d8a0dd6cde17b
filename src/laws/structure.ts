import { evaluator, type Evaluator } from './evaluate';
import type { MathNode } from './parse';
import { asPowerTerm, type PowerTerm } from './powerTerm';
import { additiveTerms, stripParentheses, symbolsOf } from './tree';

/**
 * The structure of a law read off its expression tree: its additive terms, the variables each one
 * uses (separability: L = constant + g_1(x_1) + g_2(x_2) + ...), and each variable's part as a power
 * law when it is one. The frontier chooses its closed forms from this (docs/derivations.md#universal-form).
 */

/** One additive term of the law. */
export interface LawTerm {
  node: MathNode;
  /** The law variables it uses (none for a constant term such as L0). */
  variables: string[];
  /** The term as c x^(-p) when it uses one variable and has that form; otherwise null. */
  power: PowerTerm | null;
}

/** A power law c x^(-p) at given parameter values. */
export interface PowerLaw { coefficient: number; exponent: number }

export interface LawStructure {
  /** The variables the structure was read for; every other symbol is a parameter. */
  variables: string[];
  terms: LawTerm[];
  /** True when no additive term uses two variables. */
  separable: boolean;
  /** Sum of the terms with no variable (L0, E) at these parameter values; 0 when there is none. */
  constant(params: Record<string, number>): number;
  /**
   * The variable's part as c x^-p at these parameter values: its power terms, summed when their exponents
   * are equal there. Null when the law is not separable, the variable has no term, a term of it is not a
   * power law, or its terms' exponents differ.
   */
  powerLaw(variable: string, params: Record<string, number>): PowerLaw | null;
}

/** Reads the structure of `node` with `variables` as the law's variables (held ones may be left out). */
export function lawStructure(node: MathNode, variables: string[]): LawStructure {
  const terms: LawTerm[] = additiveTerms(node).map((t) => {
    const used = [...symbolsOf(t)].filter((s) => variables.includes(s));
    return { node: t, variables: used, power: used.length === 1 ? asPowerTerm(t, used[0]) : null };
  });
  const separable = terms.every((t) => t.variables.length <= 1);
  const constants = terms.filter((t) => t.variables.length === 0).map((t) => evaluator(t.node));
  const parts = new Map<string, Array<{ coefficient: Evaluator; exponent: Evaluator }> | null>();
  for (const v of variables) {
    const own = terms.filter((t) => t.variables.length === 1 && t.variables[0] === v);
    if (!separable || own.length === 0) parts.set(v, null);
    else if (own.some((t) => !t.power)) parts.set(v, null);
    else parts.set(v, own.map((t) => ({ coefficient: evaluator(t.power!.coefficient), exponent: evaluator(t.power!.exponent) })));
  }
  return {
    variables: [...variables],
    terms,
    separable,
    constant: (params) => constants.reduce((s, c) => s + c(params), 0),
    powerLaw(variable, params) {
      const own = parts.get(variable);
      if (!own) return null;
      const exponent = own[0].exponent(params);
      if (own.some((t) => t.exponent(params) !== exponent)) return null;
      return { coefficient: own.reduce((s, t) => s + t.coefficient(params), 0), exponent };
    },
  };
}

/** Parameters that scale a term (a direct factor of * or numerator of /) or stand alone as an additive term. */
export function scaleParameters(node: MathNode, params: string[]): string[] {
  const out = new Set<string>();
  const isParam = (n: MathNode) => { const s = stripParentheses(n); return s.type === 'SymbolNode' && params.includes(s.name!) ? s.name! : null; };
  for (const t of additiveTerms(node)) { const p = isParam(t); if (p) out.add(p); }
  node.traverse((n) => {
    if (n.type !== 'OperatorNode') return;
    if (n.fn === 'multiply') n.args!.forEach((a) => { const p = isParam(a); if (p) out.add(p); });
    if (n.fn === 'divide') { const p = isParam(n.args![0]); if (p) out.add(p); }
  });
  return params.filter((p) => out.has(p));
}
