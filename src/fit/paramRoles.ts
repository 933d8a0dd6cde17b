import { scaleParameters, type MathNode } from '../laws/expression';
import { additiveTerms, stripParentheses } from '../laws/tree';

/**
 * What each parameter does in the law, read off the expression, so the automatic start grid can take
 * its values from the data's ranges: exponents (a small grid), additive floors (below the lowest loss),
 * offsets of a variable or its logarithm (`log(D) - mu`: from the range of log D), scales of a variable
 * (`x / R`, `N_c / N`, `log(D) - log(Dstar)`: from the range of x) and rates (`a * x`: from the range of 1/x).
 */

/** A variable as a parameter relates to it: the variable's name and the transform applied to it. */
export interface VariableLink { variable: string; transform: 'log' | 'log10' | 'none' }

export interface ParameterKinds {
  exponents: Set<string>;
  floors: Set<string>;
  /** Parameter -> the variable (or its log) it is added to or subtracted from. */
  offsets: Map<string, VariableLink>;
  /** Parameter -> the variable it divides or is divided by. */
  scales: Map<string, string>;
  /** Parameter -> the variable it multiplies. */
  rates: Map<string, string>;
}

/**
 * Exponents are parameters inside an exponent; floors are default log-parameters standing alone as an
 * additive term of the top-level sum (E in E + A/N^alpha); offsets, scales and rates are parameters
 * that meet a data variable directly in a sum, a quotient or a product.
 */
export function parameterKinds(node: MathNode, params: string[], defaultLog: string[], variables: string[] = []): ParameterKinds {
  const exponents = new Set<string>();
  node.traverse((nd) => {
    if (nd.type === 'OperatorNode' && nd.fn === 'pow') nd.args![1].traverse((q) => { if (q.type === 'SymbolNode' && params.includes(q.name!)) exponents.add(q.name!); });
  });
  const scaleParams = scaleParameters(node, params);
  const alone = (k: string) => additiveTerms(node).some((t) => t.type === 'SymbolNode' && t.name === k);
  const kinds: ParameterKinds = {
    exponents,
    floors: new Set(defaultLog.filter((k) => !exponents.has(k) && scaleParams.includes(k) && alone(k))),
    offsets: new Map(), scales: new Map(), rates: new Map(),
  };
  const symbolIn = (n: MathNode, names: string[]): string | null => {
    let s = stripParentheses(n);
    if (s.type === 'OperatorNode' && (s.fn === 'unaryMinus' || s.fn === 'unaryPlus')) s = stripParentheses(s.args![0]);
    return s.type === 'SymbolNode' && names.includes(s.name!) ? s.name! : null;
  };
  node.traverse((nd) => {
    if (nd.type !== 'OperatorNode' || !nd.args || nd.args.length !== 2) return;
    const [a, b] = nd.args;
    const pairs: Array<[MathNode, MathNode]> = [[a, b], [b, a]];
    for (const [pn, vn] of pairs) {
      // log(D) - log(Dstar): Dstar is a scale of D.
      const logged = nd.fn === 'add' || nd.fn === 'subtract' ? variableLink(pn, params, symbolIn) : null;
      const vLink = nd.fn === 'add' || nd.fn === 'subtract' ? variableLink(vn, variables, symbolIn) : null;
      if (logged && logged.transform !== 'none' && vLink && vLink.transform !== 'none' && !exponents.has(logged.variable) && !kinds.scales.has(logged.variable)) {
        kinds.scales.set(logged.variable, vLink.variable);
      }
      const p = symbolIn(pn, params);
      if (!p || exponents.has(p)) continue;
      if (vLink && !kinds.offsets.has(p)) kinds.offsets.set(p, vLink);
      const v = symbolIn(vn, variables);
      if (!v) continue;
      if (nd.fn === 'divide' && !kinds.scales.has(p)) kinds.scales.set(p, v);
      if (nd.fn === 'multiply' && !kinds.rates.has(p)) kinds.rates.set(p, v);
    }
  });
  return kinds;
}

/** `x`, `log(x)` or `log10(x)` for a data variable x, else null. */
function variableLink(n: MathNode, variables: string[], symbolIn: (n: MathNode, names: string[]) => string | null): VariableLink | null {
  const s = stripParentheses(n);
  const direct = symbolIn(s, variables);
  if (direct) return { variable: direct, transform: 'none' };
  if (s.type !== 'FunctionNode' || s.args?.length !== 1) return null;
  const name = (s.fn as MathNode).name;
  const v = symbolIn(s.args[0], variables);
  return v && (name === 'log' || name === 'log10') ? { variable: v, transform: name } : null;
}

/**
 * Start values spread over a variable's range as the parameter sees it (positive values for scales and
 * rates). An offset also starts below the range, where x - offset is positive at every point (a floor
 * under a loss, as E_x in K (L_x - E_x)^kappa), as well as inside it (a parabola's centre).
 */
export function rangeStarts(values: ArrayLike<number>, use: 'offset' | 'scale' | 'rate', transform: VariableLink['transform'] = 'none'): number[] {
  const xs = Array.from(values).filter((v) => (use === 'offset' ? Number.isFinite(transformed(v, transform)) : v !== 0 && Number.isFinite(v))).map((v) => (use === 'offset' ? transformed(v, transform) : Math.log(Math.abs(v))));
  if (xs.length === 0) return [];
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const at = [0.25, 0.5, 0.75].map((q) => lo + q * (hi - lo));
  if (use === 'offset') return [...new Set([...(lo > 0 ? [0.5 * lo] : [lo - 0.5 * (hi - lo)]), ...at])];
  return [...new Set(at.map((l) => (use === 'scale' ? Math.exp(l) : Math.exp(-l))))];
}

function transformed(v: number, t: VariableLink['transform']): number {
  return t === 'log' ? Math.log(v) : t === 'log10' ? Math.log10(v) : v;
}
