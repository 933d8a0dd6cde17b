import { ScalingLabError } from '../errors';
import type { Role } from '../data/roles';

type MathNode = import('mathjs').MathNode;
type Compiled = { evaluate(scope: Record<string, number>): unknown };

let mathjs: typeof import('mathjs') | undefined;
/** mathjs is loaded on first use (it costs a few hundred milliseconds). */
function loadMath(): typeof import('mathjs') {
  if (!mathjs) mathjs = require('mathjs') as typeof import('mathjs');
  return mathjs;
}

/** A power law c x^(-p) read off one variable's part of a separable law. */
export interface PowerLaw { coefficient: number; exponent: number }

/**
 * A law split into a constant part and one part per variable, when it is additively separable
 * (L = L0 + g_m(m) + g_l(l) + g_D(D)); each part can then be tested for being a power law. Reading
 * the structure off the expression, rather than off parameter names, lets the closed forms serve
 * fitUniversal, fitLaw('chinchilla') and any fixed-exponent expression alike.
 */
export interface LawStructure {
  expression: string;
  /** Law variable -> role (loss excluded). */
  roles: Record<string, Role>;
  /** Role -> law variable. */
  byRole: Partial<Record<Role, string>>;
  /** True when no additive term mixes two variables. */
  separable: boolean;
  /** The law at a point. */
  evaluate(vars: Record<string, number>, params: Record<string, number>): number;
  /** Sum of the terms with no variable (L0, E). Only meaningful when separable. */
  constant(params: Record<string, number>): number;
  /** The variable's part as c x^-p, or null when it is not a power law (or the variable has no term). */
  powerLaw(variable: string, params: Record<string, number>): PowerLaw | null;
}

function flattenSum(node: MathNode, out: MathNode[]): void {
  const n = node as MathNode & { fn?: string; args?: MathNode[]; content?: MathNode };
  if (n.type === 'ParenthesisNode' && n.content) return flattenSum(n.content, out);
  if (n.type === 'OperatorNode' && n.fn === 'add' && n.args) {
    for (const a of n.args) flattenSum(a, out);
    return;
  }
  out.push(node);
}

function symbolsOf(node: MathNode): Set<string> {
  const names = new Set<string>();
  node.traverse((child: MathNode, path: string) => {
    // A function's name is a SymbolNode too ('exp' in exp(x)); skip it.
    if (child.type === 'SymbolNode' && path !== 'fn') names.add((child as unknown as { name: string }).name);
  });
  return names;
}

/**
 * Symbols of an expression that are not parameters: the law's variables. mathjs constants
 * (e, pi, tau, ...) count as variables only when a role is given for them.
 */
export function freeSymbols(expression: string, params: Record<string, number>, roles: Record<string, unknown> = {}): string[] {
  const math = loadMath() as unknown as Record<string, unknown>;
  const node = parseLaw(expression);
  return [...symbolsOf(node)].filter((s) => !(s in params) && (!(s in math) || s in roles));
}

function parseLaw(expression: string): MathNode {
  try {
    return loadMath().parse(expression);
  } catch (e) {
    throw new ScalingLabError('bad-law', `frontier: cannot parse the law '${expression}': ${(e as Error).message}.`, "write it as a mathjs expression, e.g. 'E + A / N^alpha + B / D^beta'.");
  }
}

function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function analyseLaw(
  expression: string,
  roles: Record<string, Role>,
  evaluateOverride?: (vars: Record<string, number>, params: Record<string, number>) => number,
): LawStructure {
  const node = parseLaw(expression);
  const lawRoles: Record<string, Role> = {};
  const byRole: Partial<Record<Role, string>> = {};
  for (const [v, role] of Object.entries(roles)) {
    if (role === 'loss') continue;
    lawRoles[v] = role;
    if (byRole[role] !== undefined) {
      throw new ScalingLabError('bad-law', `frontier: two law variables (${byRole[role]}, ${v}) have the role '${role}'.`, 'give each role to one variable.');
    }
    byRole[role] = v;
  }
  const variables = new Set(Object.keys(lawRoles));
  const terms = [] as MathNode[];
  flattenSum(node, terms);
  const constantTerms: Compiled[] = [];
  const partTerms = new Map<string, Compiled[]>();
  let separable = true;
  for (const t of terms) {
    const vs = [...symbolsOf(t)].filter((s) => variables.has(s));
    if (vs.length === 0) constantTerms.push(t.compile());
    else if (vs.length === 1) {
      const list = partTerms.get(vs[0]) ?? [];
      list.push(t.compile());
      partTerms.set(vs[0], list);
    } else separable = false;
  }
  const whole = node.compile();
  const evaluate = evaluateOverride ?? ((vars: Record<string, number>, params: Record<string, number>) => toNumber(whole.evaluate({ ...params, ...vars })));
  const constant = (params: Record<string, number>) => constantTerms.reduce((s, c) => s + toNumber(c.evaluate({ ...params })), 0);
  const part = (v: string, params: Record<string, number>, x: number) => {
    const scope = { ...params, [v]: x };
    return (partTerms.get(v) ?? []).reduce((s, c) => s + toNumber(c.evaluate(scope)), 0);
  };
  const powerLaw = (v: string, params: Record<string, number>): PowerLaw | null => {
    if (!separable || !partTerms.has(v)) return null;
    // c x^-p is exactly log-linear: read c and p at x = 1 and e^3, then confirm at two more points.
    const g0 = part(v, params, 1);
    const g3 = part(v, params, Math.exp(3));
    // A term that vanishes (coefficient 0) is still a power law; the solver reports the zero coefficient.
    if (g0 === 0 && g3 === 0 && part(v, params, Math.exp(7)) === 0) return { coefficient: 0, exponent: NaN };
    if (!(g0 > 0) || !(g3 > 0)) return null;
    const exponent = -Math.log(g3 / g0) / 3;
    for (const u of [-4, 7]) {
      const g = part(v, params, Math.exp(u));
      const expected = g0 * Math.exp(-exponent * u);
      if (!(Math.abs(g - expected) <= 1e-9 * Math.abs(expected))) return null;
    }
    return { coefficient: g0, exponent };
  };
  return { expression, roles: lawRoles, byRole, separable, evaluate, constant, powerLaw };
}
