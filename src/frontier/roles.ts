import { ScalingLabError } from '../errors';
import type { Role } from '../data/roles';

/** The law's variables by role, as the frontier optimises them. */
export interface FrontierRoles {
  /** Law variable -> role (loss excluded). */
  roles: Record<string, Role>;
  /** Role -> law variable. */
  byRole: Partial<Record<Role, string>>;
}

/** Inverts the roles, rejecting two variables with one role. */
export function frontierRoles(roles: Record<string, Role>): FrontierRoles {
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
  return { roles: lawRoles, byRole };
}

/** Checks the roles allow a frontier over compute C = f N D and says which variable is the problem. */
export function checkRoles({ roles, byRole }: FrontierRoles): void {
  for (const [v, role] of Object.entries(roles)) {
    if (role === 'time' || role === 'steps') {
      if (!byRole.tokens) {
        throw new ScalingLabError('missing-roles', `frontier: the law's variable ${v} is ${role === 'time' ? 'dynamic time (sum of learning rates)' : 'training steps'}, not tokens, so compute C = 6 N D cannot be formed.`, 'refit with a tokens column (tokens = steps x batch size in tokens).');
      }
      throw new ScalingLabError('bad-law', `frontier: the law has both tokens and ${role} (${v}); a frontier over compute needs one data variable.`);
    }
    if (role === 'flops' || role === 'other') {
      throw new ScalingLabError('bad-law', `frontier: the law's variable ${v} has the role '${role}'; the frontier optimises over params (or width and depth) and tokens only.`,
        `hold ${v} at a value (frontier(fit, { hold: { ${v}: 1e11 } })) or replace it by a law of size and data ({ hold: { ${v}: otherFit } }).`);
    }
  }
  if (!byRole.tokens) throw new ScalingLabError('missing-roles', 'frontier: the law has no tokens variable.', "give the law a variable with the role 'tokens' (roles: { D: 'tokens' }).");
  const hasShape = byRole.width !== undefined && byRole.depth !== undefined;
  if (!byRole.params && !hasShape) {
    const has = Object.entries(byRole).map(([r, v]) => `${v} (${r})`).join(', ');
    throw new ScalingLabError('missing-roles', `frontier: the law needs params, or both width and depth, besides tokens; it has ${has}.`, "set roles, e.g. { N: 'params', D: 'tokens' } or { m: 'width', l: 'depth', D: 'tokens' }.");
  }
  if (byRole.params && (byRole.width || byRole.depth)) {
    throw new ScalingLabError('bad-law', 'frontier: the law has params and width/depth variables at once; N = k m^2 l ties them.', 'use either N, or m and l.');
  }
}
