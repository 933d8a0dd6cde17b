/**
 * The law model's entry points as src/fit imports them (one module path, kept stable). Each job has
 * its own file: parse.ts (the law language), compile.ts and codegen.ts (value and analytic Jacobian as
 * generated code), evaluate.ts (plain evaluation), tree.ts (tree readings and substitution),
 * structure.ts and powerTerm.ts (terms, separability, power laws).
 */
export { parseLaw, loadMath, type MathNode, type ParsedLaw } from './parse';
export { FUNCTIONS, CONSTANTS } from './functions';
export { compileLaw, type CompiledModel } from './compile';
export { evaluateNode, evaluator, type Evaluator } from './evaluate';
export { substitute } from './tree';
export { scaleParameters, lawStructure, type LawStructure, type LawTerm, type PowerLaw } from './structure';
export { asPowerTerm, type PowerTerm } from './powerTerm';
