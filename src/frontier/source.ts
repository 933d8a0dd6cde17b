import { ScalingLabError, checkOptionKeys } from '../errors';
import type { Role } from '../data/roles';
import type { FitResult } from '../fit/types';
import { LAWS, SYMBOL_ROLES, builtinLaw, type BuiltinLaw } from '../laws/builtin';
import { evaluator } from '../laws/evaluate';
import { hasOwn, nameRecord, own } from '../laws/names';
import { parseLaw, type MathNode } from '../laws/parse';
import { lawStructure, type LawStructure } from '../laws/structure';
import { frontierRoles, type FrontierRoles } from './roles';

/** A law with known constants instead of a fit: `{ law: 'chinchilla', params: { A, B, E, alpha, beta } }`. */
export interface LawSpec {
  /** A built-in name ('chinchilla', 'universal', 'dataConstrained', ...) or an expression in the law language of fitLaw. */
  law: string;
  /** Every constant of the law. */
  params: Record<string, number>;
  /** Law variable -> role; guessed from the names N, D, m, l (and params, tokens, width, depth) when left out. */
  roles?: Record<string, Role>;
}

/** The law a frontier is derived from: its expression and structure, point values, roles, and bootstrap draws. */
export interface FrontierLaw extends FrontierRoles {
  /** The expression, with the held variables after it: 'E + ... (U = 2.500e+10)'. */
  expression: string;
  /** The built-in law's name, with the held variables after it, for summaries. */
  label: string;
  /** The expression tree, held variables substituted. */
  node: MathNode;
  params: Record<string, number>;
  /** Terms, separability and power laws, read off the expression by the law model (src/laws). */
  structure: LawStructure;
  /** The law at a point: the expression evaluated (a fit's law is the expression it was fitted with). */
  evaluate(vars: Record<string, number>, params: Record<string, number>): number;
  samples?: Record<string, number[]>;
}

/** Other names users give the built-in laws' constants (e.g. Liu and Gore's coefficient names). */
const ALIASES = nameRecord<Record<string, string>>({
  chinchilla: { L0: 'E', a: 'alpha', b: 'beta' },
  universal: { E: 'L0', width: 'c_m', depth: 'c_l', time: 'c_D', tokens: 'c_D', c_w: 'c_m', c_d: 'c_l' },
  kaplan: { Nc: 'N_c', Dc: 'D_c', aN: 'alpha_N', aD: 'alpha_D' },
  kaplanIrreducible: { Nc: 'N_c', Dc: 'D_c', aN: 'alpha_N', aD: 'alpha_D' },
});

/** Variable roles guessed from names, for expressions given without roles. */
const ROLE_GUESS = nameRecord<Role>({ ...SYMBOL_ROLES, params: 'params', tokens: 'tokens', width: 'width', depth: 'depth' });

const FN = 'frontier';
const BUILTIN_NAMES = Object.keys(LAWS).join(', ');

/** What a fit or a spec gives before the structure is read. */
export interface Source {
  expression: string;
  /** The built-in law's name, when it is one. */
  name?: string;
  node: MathNode;
  params: Record<string, number>;
  roles: Record<string, Role>;
  /** Held variables, as 'U = 2.500e+10' (hold.ts). */
  held?: string[];
  samples?: Record<string, number[]>;
}

export function isFit(x: unknown): x is FitResult {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'fit';
}

/**
 * The law of a fit (fitUniversal, fitLaw) or of a { law, params } spec, before its structure is read. In an
 * expression, the `held` names are variables (of role 'other') even without a role.
 */
export function readSource(source: FitResult | LawSpec, held: readonly string[] = []): Source {
  return isFit(source) ? fromFit(source) : fromSpec(source, held);
}

/** The law with its structure read off the expression (held variables already substituted: hold.ts). */
export function frontierLaw(s: Source): FrontierLaw {
  const roles = frontierRoles(s.roles);
  const whole = evaluator(s.node);
  const held = s.held?.length ? ` (${s.held.join(', ')})` : '';
  return {
    expression: s.expression + held,
    label: (s.name ?? s.expression) + held,
    node: s.node,
    params: s.params,
    ...roles,
    structure: lawStructure(s.node, Object.keys(roles.roles)),
    evaluate: (vars, params) => whole({ ...params, ...vars }),
    samples: s.samples,
  };
}

function fromFit(fit: FitResult): Source {
  const params = nameRecord<number>();
  for (const [name, p] of Object.entries(fit.params)) params[name] = p.value;
  return {
    expression: fit.law,
    name: fit.lawName ?? undefined,
    node: parseLaw(fit.law, FN).node,
    params,
    roles: fit.roles,
    samples: fit.bootstrap?.samples,
  };
}

function fromSpec(spec: LawSpec, held: readonly string[]): Source {
  checkOptionKeys(FN, spec, ['law', 'params', 'roles']);
  if (typeof spec.law !== 'string' || !spec.params || typeof spec.params !== 'object') {
    throw new ScalingLabError('bad-law', 'frontier: give a fit, or { law, params } with the law\'s constants.', "e.g. frontier({ law: 'chinchilla', params: { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 } }).");
  }
  for (const [name, v] of Object.entries(spec.params)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScalingLabError('bad-value', `frontier: params.${name} must be a finite number, got ${String(v)}.`);
  }
  const known = builtinLaw(spec.law);
  return known ? fromBuiltin(spec, known, own(ALIASES, known.name) ?? {}) : fromExpression(spec, held);
}

/** A built-in law by name: its constants under their own names or an alias, every one required. */
function fromBuiltin(spec: LawSpec, builtin: BuiltinLaw, aliases: Record<string, string>): Source {
  const parsed = parseLaw(builtin.expression, FN);
  const params = nameRecord<number>();
  for (const [name, v] of Object.entries(spec.params)) params[own(aliases, name) ?? name] = v;
  const needed = parsed.symbols.filter((s) => !hasOwn(builtin.variables, s));
  const missing = needed.filter((s) => !hasOwn(params, s));
  const extra = Object.keys(params).filter((s) => !needed.includes(s));
  if (missing.length || extra.length) {
    throw new ScalingLabError(
      'bad-law',
      `frontier: the ${spec.law} law ${builtin.expression} ${missing.length ? `needs ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? `has no constant ${extra.join(', ')}` : ''}.`,
      `give params ${needed.join(', ')}.`,
    );
  }
  for (const name of builtin.logParams) {
    if (params[name] < 0) throw new ScalingLabError('bad-value', `frontier: params.${name} = ${params[name]} is negative; in the ${builtin.name} law it is positive by nature (${builtin.description}).`, `give ${name} a positive value.`);
  }
  return { expression: builtin.expression, name: builtin.name, node: parsed.node, params, roles: nameRecord({ ...builtin.variables, ...(spec.roles ?? {}) }) };
}

/** An expression: every symbol that is not a constant in params is a variable, with a given or guessed role. */
function fromExpression(spec: LawSpec, held: readonly string[]): Source {
  const parsed = parseLaw(spec.law, FN);
  if (parsed.node.type === 'SymbolNode') {
    throw new ScalingLabError('unknown-law', `frontier: '${spec.law}' is not a built-in law, and as an expression it is one symbol.`, `built-in laws: ${BUILTIN_NAMES}; or write the law, e.g. 'E + A / N^alpha + B / D^beta'.`);
  }
  const roles = nameRecord<Role>();
  for (const s of parsed.symbols.filter((name) => !hasOwn(spec.params, name))) {
    const role = own(spec.roles, s) ?? own(ROLE_GUESS, s) ?? (held.includes(s) ? 'other' : undefined);
    if (!role) {
      throw new ScalingLabError('missing-roles', `frontier: '${s}' in the law '${spec.law}' is neither a constant in params nor a variable with a role.`, `add it to params, hold it (hold: { ${s}: value }), or say what it is: roles: { ${s}: 'params' | 'tokens' | 'width' | 'depth' }.`);
    }
    roles[s] = role;
  }
  return { expression: spec.law, node: parsed.node, params: nameRecord(spec.params), roles };
}
