import { hasOwn } from './names';
import { loadMath, type MathNode } from './parse';

/**
 * Small readings and rewritings of a law's expression tree that the fitter, the multi-start and the
 * frontier all need: one copy each, so every part of the package reads a law the same way.
 */

/** The node without its enclosing parentheses. */
export function stripParentheses(node: MathNode): MathNode {
  return node.type === 'ParenthesisNode' ? stripParentheses(node.content!) : node;
}

/** The additive terms of a sum, parentheses removed: `E + (A/N^a + B/D^b)` gives three terms. */
export function additiveTerms(node: MathNode): MathNode[] {
  const s = stripParentheses(node);
  return s.type === 'OperatorNode' && s.fn === 'add' ? s.args!.flatMap(additiveTerms) : [s];
}

/** Names of the symbols an expression uses, function names excluded (`exp` in exp(x) is not a symbol). */
export function symbolsOf(node: MathNode): Set<string> {
  const names = new Set<string>();
  node.traverse((child, path) => { if (child.type === 'SymbolNode' && path !== 'fn') names.add(child.name!); });
  return names;
}

/** Replaces symbols by numbers (fixed parameters) or expressions (tied parameters). */
export function substitute(node: MathNode, values: Record<string, number>, exprs: Record<string, MathNode>): MathNode {
  const m = loadMath();
  return node.transform((n) => {
    if (n.type === 'SymbolNode' && hasOwn(values, n.name!)) return new m.ConstantNode(values[n.name!]);
    if (n.type === 'SymbolNode' && hasOwn(exprs, n.name!)) return new m.ParenthesisNode(exprs[n.name!]);
    return n;
  });
}
