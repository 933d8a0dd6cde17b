/**
 * The law language's one set of functions and named constants. Parsing checks names and arities here,
 * evaluation takes the values from here, and the code generator (codegen.ts) has one derivative rule
 * per function: a new function (min, max, abs) is one entry here and one rule there.
 */

/** A function a law may call. */
export interface LawFunction {
  /** Numbers of arguments it accepts. */
  arity: number[];
  /** Its value; `b` is the second argument when it takes two. */
  value(a: number, b?: number): number;
}

const TABLE: Record<string, LawFunction> = {
  exp: { arity: [1], value: (a) => Math.exp(a) },
  // log(x, base) divides by ln(base), as mathjs does.
  log: { arity: [1, 2], value: (a, b) => (b === undefined ? Math.log(a) : Math.log(a) / Math.log(b)) },
  log10: { arity: [1], value: (a) => Math.log10(a) },
  sqrt: { arity: [1], value: (a) => Math.sqrt(a) },
  pow: { arity: [2], value: (a, b) => Math.pow(a, b as number) },
};

/** Functions a law may use. */
export const FUNCTIONS = Object.keys(TABLE);

/** Symbols with a fixed meaning (everything else is a data variable or a parameter). */
export const CONSTANTS: Record<string, number> = { pi: Math.PI };

/** The function of that name, or undefined when a law may not call it. */
export function lawFunction(name: string): LawFunction | undefined {
  return Object.prototype.hasOwnProperty.call(TABLE, name) ? TABLE[name] : undefined;
}

/** True for a named constant (pi), which is neither a variable nor a parameter. */
export function isConstant(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(CONSTANTS, name);
}
