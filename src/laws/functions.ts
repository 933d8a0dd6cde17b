/**
 * The law language's one set of functions and named constants. Parsing checks names and arities here,
 * evaluation takes the values from here, and the code generator (codegen.ts) has one derivative rule
 * per function: a new function is one entry here and one rule there.
 */
import { hasOwn, nameRecord } from './names';

/** A function a law may call. */
export interface LawFunction {
  /** Numbers of arguments it accepts; `variadic` functions take this many or more. */
  arity: number[];
  variadic?: boolean;
  /** Its value; `b` is the second argument when it takes two (variadic ones fold pairwise, left to right). */
  value(a: number, b?: number): number;
}

/**
 * min and max pick one argument: the first on a tie, and a NaN argument wins (so NaN propagates as in
 * Math.min). codegen.ts picks the same argument, and the Jacobian is that argument's (a subgradient).
 */
export const pickMin = (a: number, b: number): number => (a <= b || a !== a ? a : b);
export const pickMax = (a: number, b: number): number => (a >= b || a !== a ? a : b);

const TABLE = nameRecord<LawFunction>({
  exp: { arity: [1], value: (a: number) => Math.exp(a) },
  // log(x, base) divides by ln(base), as mathjs does.
  log: { arity: [1, 2], value: (a: number, b?: number) => (b === undefined ? Math.log(a) : Math.log(a) / Math.log(b)) },
  log10: { arity: [1], value: (a: number) => Math.log10(a) },
  sqrt: { arity: [1], value: (a: number) => Math.sqrt(a) },
  pow: { arity: [2], value: (a: number, b?: number) => Math.pow(a, b as number) },
  min: { arity: [2], variadic: true, value: (a: number, b?: number) => pickMin(a, b as number) },
  max: { arity: [2], variadic: true, value: (a: number, b?: number) => pickMax(a, b as number) },
  abs: { arity: [1], value: (a: number) => Math.abs(a) },
});

/** Functions a law may use. */
export const FUNCTIONS = Object.keys(TABLE);

/** Symbols with a fixed meaning (everything else is a data variable or a parameter). */
export const CONSTANTS = nameRecord<number>({ pi: Math.PI });

/** The function of that name, or undefined when a law may not call it. */
export function lawFunction(name: string): LawFunction | undefined {
  return hasOwn(TABLE, name) ? TABLE[name] : undefined;
}

/** True when `f` accepts `count` arguments. */
export function acceptsArity(f: LawFunction, count: number): boolean {
  return f.arity.includes(count) || (!!f.variadic && count >= Math.max(...f.arity));
}

/** True for a named constant (pi), which is neither a variable nor a parameter. */
export function isConstant(name: string): boolean {
  return hasOwn(CONSTANTS, name);
}
