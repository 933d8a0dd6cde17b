import type { Role } from '../data/roles';
import { hasOwn, nameRecord } from './names';

/** A law shipped by name, with its published constants for comparison. */
export interface BuiltinLaw {
  name: string;
  expression: string;
  /** Law variable -> role (how it maps to data columns; 'other' variables are found by their exact name or `variables`). */
  variables: Record<string, Role>;
  /** Parameters fitted as logarithms (positive by nature). */
  logParams: string[];
  /** Published fits: name -> { constants, source }. */
  references: Record<string, { constants: Record<string, number>; source: string }>;
  description: string;
}

/** Names of the built-in laws. */
export type BuiltinName = 'universal' | 'chinchilla' | 'kaplan' | 'kaplanIrreducible' | 'dataConstrained' | 'lossToLoss' | 'brokenPowerLaw';

const KAPLAN = '((N_c / N)^(alpha_N / alpha_D) + D_c / D)^alpha_D';
const KAPLAN_2020 = { N_c: 8.8e13, D_c: 5.4e13, alpha_N: 0.076, alpha_D: 0.095 };

/**
 * Muennighoff et al. 2023 (docs/laws.md#data-constrained): tokens D of which U are unique, U_D = min(U, D),
 * repetitions R_D = D/U_D - 1 decaying with R_D*; parameters beyond U_N = min(N, N_opt(U_D)), the
 * Chinchilla-optimal size for U_D tokens (G (U_D G)^(beta/alpha)), decaying with R_N*.
 */
function dataConstrainedExpression(): string {
  const G = '((alpha * A) / (beta * B))^(1 / (alpha + beta))';
  const UD = 'min(U, D)';
  const UN = `min(N, ${G} * (${UD} * ${G})^(beta / alpha))`;
  const effective = (unique: string, total: string, rStar: string) => `(${unique} + ${unique} * ${rStar} * (1 - exp(-(${total} / ${unique} - 1) / ${rStar})))`;
  return `E + A / ${effective(UN, 'N', 'R_N_star')}^alpha + B / ${effective(UD, 'D', 'R_D_star')}^beta`;
}

/** Built-in laws by name (`fitLaw(data, 'chinchilla')`); a record without a prototype, so `constructor` is no law. */
export const LAWS: Readonly<Record<BuiltinName, BuiltinLaw>> = nameRecord<BuiltinLaw>({
  universal: {
    name: 'universal',
    expression: 'L0 + c_m / m + c_l / l + c_D * D^(-1/3)',
    variables: { m: 'width', l: 'depth', D: 'tokens' },
    logParams: ['L0', 'c_m', 'c_l', 'c_D'],
    references: {
      liuGore2026: {
        constants: { a_m: 1, a_l: 1, a_D: 1 / 3 },
        source: 'Liu and Gore 2026, Neural Scaling Universality (arXiv 2606.25008): universal exponents width 1, depth 1, time 1/3',
      },
      depthScaling2026: {
        constants: { a_m: 0.977, a_l: 1.201, a_D: 0.299, L0: 1.750 },
        source: 'Liu, Kangaslahti, Liu, Gore 2026 (arXiv 2602.05970), free-exponent fit on Chinchilla (40 highest losses dropped)',
      },
    },
    description: 'L = L0 + c_m/m + c_l/l + c_D D^(-1/3): width, depth and time (tokens) terms with the universal exponents',
  },
  chinchilla: {
    name: 'chinchilla',
    expression: 'E + A / N^alpha + B / D^beta',
    variables: { N: 'params', D: 'tokens' },
    logParams: ['E', 'A', 'B'],
    references: {
      hoffmann2022: {
        constants: { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 },
        source: 'Hoffmann et al. 2022 (Chinchilla), approach 3',
      },
      epoch2024: {
        constants: { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 },
        source: 'Besiroglu et al. 2024 (Epoch AI), Chinchilla scaling: a replication attempt',
      },
    },
    description: 'L = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022)',
  },
  kaplan: {
    name: 'kaplan',
    expression: KAPLAN,
    variables: { N: 'params', D: 'tokens' },
    logParams: ['N_c', 'D_c'],
    references: {
      kaplan2020: { constants: KAPLAN_2020, source: 'Kaplan et al. 2020, Scaling Laws for Neural Language Models, eq. (1.5)' },
    },
    description: 'L = ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D (Kaplan et al. 2020)',
  },
  kaplanIrreducible: {
    name: 'kaplanIrreducible',
    expression: `E + ${KAPLAN}`,
    variables: { N: 'params', D: 'tokens' },
    logParams: ['E', 'N_c', 'D_c'],
    references: {
      kaplan2020: {
        constants: { E: 0, ...KAPLAN_2020 },
        source: 'Kaplan et al. 2020, eq. (1.5) (E = 0: their fit has no irreducible term); the irreducible term L_inf + (x_0/x)^alpha as in Henighan et al. 2020, eq. (1.1)',
      },
    },
    description: 'L = E + ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D: Kaplan et al. 2020 eq. (1.5) with an irreducible loss E',
  },
  dataConstrained: {
    name: 'dataConstrained',
    expression: dataConstrainedExpression(),
    variables: { N: 'params', D: 'tokens', U: 'other' },
    logParams: ['E', 'A', 'B', 'R_N_star', 'R_D_star'],
    references: {
      muennighoff2023: {
        constants: { E: Math.exp(0.6254804), A: Math.exp(6.255414), B: Math.exp(7.3049974), alpha: 0.3526596, beta: 0.3526596, R_D_star: 15.387756, R_N_star: 5.309743 },
        source: 'Muennighoff et al. 2023, Scaling Data-Constrained Language Models (arXiv 2305.16264), C4 fit from the README of huggingface/datablations',
      },
    },
    description: "L = E + A/N'^alpha + B/D'^beta with D' = U_D + U_D R_D* (1 - exp(-R_D/R_D*)), R_D = D/U_D - 1, U_D = min(U, D), and N' likewise with U_N = min(N, N_opt(U_D)) (Muennighoff et al. 2023)",
  },
  lossToLoss: {
    name: 'lossToLoss',
    expression: 'K * (L_x - E_x)^kappa + E_y',
    variables: { L_x: 'other' },
    logParams: ['K', 'E_x', 'E_y'],
    references: {},
    description: 'L_y = K (L_x - E_x)^kappa + E_y: the loss on one distribution from the loss L_x on another (Brandfonbrener et al. 2024)',
  },
  brokenPowerLaw: {
    name: 'brokenPowerLaw',
    expression: 'E + A / N^alpha + B * D^(-beta) * (1 + (D / D_b)^(1 / f))^(-gamma * f)',
    variables: { N: 'params', D: 'tokens' },
    logParams: ['E', 'A', 'B', 'D_b', 'f'],
    references: {
      caballero2022: {
        constants: { E: 0.41388453071629455, A: 0, alpha: 0, B: 2.2772722897737556, beta: 0.055077348404973955, gamma: 5.662903816010331, D_b: 612.5836172918001, f: 0.059193036393742314 },
        source: 'Caballero et al. 2022, Broken Neural Scaling Laws (arXiv 2210.14891): the one-break BNSL of 4-digit addition against training set size (a, b, c0, c1, d1, f1 of ethancaballero/broken_neural_scaling_laws), A = 0',
      },
    },
    description: 'L = E + A/N^alpha + B D^(-beta) (1 + (D/D_b)^(1/f))^(-gamma f): a smoothly broken power law in data with one break (Caballero et al. 2022)',
  },
}) as Record<BuiltinName, BuiltinLaw>;

/** The built-in law of that name (exact, or case-insensitive), or undefined; never an Object.prototype member. */
export function builtinLaw(name: unknown): BuiltinLaw | undefined {
  if (typeof name !== 'string') return undefined;
  const key = name.trim();
  if (hasOwn(LAWS, key)) return LAWS[key as BuiltinName];
  const hit = Object.keys(LAWS).find((k) => k.toLowerCase() === key.toLowerCase());
  return hit ? LAWS[hit as BuiltinName] : undefined;
}

/** Law variable symbols that stand for a role when no column has that exact name. */
export const SYMBOL_ROLES: Readonly<Record<string, Role>> = nameRecord<Role>({
  N: 'params', D: 'tokens', m: 'width', l: 'depth', C: 'flops', tau: 'time', t: 'time', S: 'steps',
});
