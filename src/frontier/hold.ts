import { ScalingLabError } from '../errors';
import type { Role } from '../data/roles';
import type { FitResult } from '../fit/types';
import { hasOwn, nameRecord } from '../laws/names';
import type { MathNode } from '../laws/parse';
import { substitute } from '../laws/tree';
import { fmt } from '../util/format';
import { isFit, readSource, type LawSpec, type Source } from './source';

/**
 * Law variables the frontier does not optimise (unique tokens U of the data-constrained law, the loss
 * L_x another law is predicted from) are held: at a number, or replaced by a law of size and data.
 * Either way the held law is again a law in N, D (or m, l, D), and its structure is read as usual.
 */

/** A held variable's value: a number (`{ U: 1e11 }`), or a fit or { law, params } in size and data (`{ L_x: trainFit }`). */
export type HoldValue = number | FitResult | LawSpec;

/** The variables the frontier optimises. */
const OPTIMISED: readonly Role[] = ['params', 'tokens', 'width', 'depth'];

/** The source with each held variable substituted, and said in `held` (e.g. 'U = 2.5e+10'). */
export function applyHold(s: Source, hold: Record<string, HoldValue> | undefined): Source {
  if (hold === undefined) return s;
  if (!hold || typeof hold !== 'object' || Array.isArray(hold)) {
    throw new ScalingLabError('bad-option', 'frontier: hold must be an object of law variables, e.g. { U: 1e11 }.');
  }
  let out = s;
  for (const [name, value] of Object.entries(hold)) {
    const role = hasOwn(s.roles, name) ? s.roles[name] : undefined;
    if (role === undefined) {
      const what = hasOwn(s.params, name) ? `a constant of the law (give its value in params, or fit it with fixed: { ${name}: ... })` : 'not in the law';
      throw new ScalingLabError('bad-option', `frontier: hold.${name}: '${name}' is ${what}.`, `variables of the law: ${Object.keys(s.roles).join(', ')}.`);
    }
    if (OPTIMISED.includes(role)) {
      throw new ScalingLabError('bad-option', `frontier: hold.${name}: '${name}' is the ${role} variable, which the frontier chooses at each budget.`, 'hold only the other variables (e.g. unique tokens U).');
    }
    out = typeof value === 'number' ? holdAt(out, name, value) : holdToLaw(out, name, value);
  }
  return out;
}

/** The variable fixed at a number. */
function holdAt(s: Source, name: string, value: number): Source {
  if (!Number.isFinite(value)) throw new ScalingLabError('bad-value', `frontier: hold.${name} must be a finite number, got ${String(value)}.`);
  return {
    ...s,
    held: [...(s.held ?? []), `${name} = ${fmt(value)}`],
    node: substitute(s.node, nameRecord({ [name]: value }), {}),
    roles: without(s.roles, name),
  };
}

/** The variable replaced by another law (a fit or a spec, at its point values) in the size and data variables. */
function holdToLaw(s: Source, name: string, value: FitResult | LawSpec): Source {
  if (!value || typeof value !== 'object') {
    throw new ScalingLabError('bad-value', `frontier: hold.${name} must be a number, a fit or { law, params }, got ${String(value)}.`);
  }
  const inner = readSource(value);
  for (const [v, role] of Object.entries(inner.roles)) {
    if (role === 'loss') continue;
    if (!OPTIMISED.includes(role)) throw new ScalingLabError('bad-value', `frontier: hold.${name}: its law uses ${v} (${role}); it may use only params, tokens, width and depth.`);
    if (hasOwn(s.params, v)) throw new ScalingLabError('bad-value', `frontier: hold.${name}: its variable ${v} is also a constant of the outer law.`, 'rename one of them.');
    if (hasOwn(s.roles, v) && s.roles[v] !== role) throw new ScalingLabError('bad-value', `frontier: hold.${name}: ${v} is ${role} there but ${s.roles[v]} in the outer law.`);
  }
  const innerVars = Object.keys(inner.roles).filter((v) => inner.roles[v] !== 'loss');
  const innerNode = substitute(inner.node, inner.params, {});
  return {
    ...s,
    held: [...(s.held ?? []), `${name} = ${isFit(value) ? 'the fitted ' : ''}${inner.name ?? inner.expression}`],
    node: substitute(s.node, {}, nameRecord<MathNode>({ [name]: innerNode })),
    roles: nameRecord({ ...without(s.roles, name), ...Object.fromEntries(innerVars.map((v) => [v, inner.roles[v]])) }),
  };
}

function without(roles: Record<string, Role>, name: string): Record<string, Role> {
  return nameRecord(Object.entries(roles).filter(([v]) => v !== name));
}
