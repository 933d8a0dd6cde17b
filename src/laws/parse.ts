import { ScalingLabError, describeValue } from '../errors';
import { FUNCTIONS, acceptsArity, isConstant, lawFunction } from './functions';

/**
 * Parsing a law: mathjs reads the text, then the tree is checked against the law language (numbers,
 * symbols, + - * / ^, the functions of functions.ts). Every reader of a law (fit, frontier) parses here.
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

/** The mathjs constructors we use: the parser and the nodes the law model builds. */
export interface MathJs {
  parse: (s: string) => MathNode;
  ConstantNode: new (v: number) => MathNode;
  SymbolNode: new (name: string) => MathNode;
  ParenthesisNode: new (n: MathNode) => MathNode;
  OperatorNode: new (op: string, fn: string, args: MathNode[]) => MathNode;
  FunctionNode: new (fn: string, args: MathNode[]) => MathNode;
}

let mathjs: MathJs | undefined;
/** mathjs is loaded on first use (about half a second), so importing the law model costs nothing. */
export function loadMath(): MathJs {
  if (!mathjs) mathjs = require('mathjs') as MathJs;
  return mathjs;
}

export interface ParsedLaw {
  node: MathNode;
  text: string;
  /** Free symbols in order of first appearance (constants such as pi excluded). */
  symbols: string[];
}

/** Operators a law may use (mathjs operator function names). */
const OPERATORS = ['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus'];

/** Parses a law; throws a ScalingLabError naming the problem when it does not parse or uses an unknown function. */
export function parseLaw(text: string, fn: string): ParsedLaw {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ScalingLabError('bad-expression', `${fn}: the law must be a non-empty expression string or a built-in name, got ${describeValue(text)}.`,
      "e.g. 'E + A / N^alpha + B / D^beta', or a built-in name such as 'chinchilla' (docs/laws.md).");
  }
  let node: MathNode;
  try {
    node = loadMath().parse(text);
  } catch (e) {
    throw new ScalingLabError('bad-expression', `${fn}: the law '${text}' does not parse: ${(e as Error).message}.`,
      `write it like 'E + A / N^alpha + B / D^beta' (operators + - * / ^, functions ${FUNCTIONS.join(', ')}).`);
  }
  return { node, text, symbols: checkNode(node, text, fn) };
}

/** Checks every node is in the law language; returns the free symbols in order of first appearance. */
function checkNode(node: MathNode, text: string, fn: string): string[] {
  const symbols: string[] = [];
  const visit = (n: MathNode) => {
    switch (n.type) {
      case 'ConstantNode':
        if (typeof n.value !== 'number') throw new ScalingLabError('bad-expression', `${fn}: the law '${text}' contains a non-numeric constant ${String(n.value)}.`);
        return;
      case 'SymbolNode':
        // Assigning '__proto__' to a record sets its prototype instead of a key: the one name no record can hold.
        if (n.name === '__proto__') throw new ScalingLabError('bad-expression', `${fn}: '__proto__' cannot name a variable or parameter ('${text}').`, 'rename it, e.g. proto.');
        if (!isConstant(n.name!) && !symbols.includes(n.name!)) symbols.push(n.name!);
        return;
      case 'ParenthesisNode': visit(n.content!); return;
      case 'OperatorNode':
        if (!OPERATORS.includes(n.fn as string)) {
          throw new ScalingLabError('bad-expression', `${fn}: operator '${n.op}' is not supported in a law ('${text}').`, `use + - * / ^ and the functions ${FUNCTIONS.join(', ')}.`);
        }
        n.args!.forEach(visit);
        return;
      case 'FunctionNode': {
        const name = (n.fn as MathNode).name!;
        const known = lawFunction(name);
        if (!known) {
          throw new ScalingLabError('unknown-symbol', `${fn}: unknown function '${name}' in the law '${text}'.`, `supported functions: ${FUNCTIONS.join(', ')}.`);
        }
        if (!acceptsArity(known, n.args!.length)) {
          throw new ScalingLabError('bad-expression', `${fn}: ${name}() takes ${known.arity.join(' or ')}${known.variadic ? ' or more' : ''} argument(s) in '${text}'.`);
        }
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
