import type { Role } from '../data/roles';

/** A law shipped by name, with its published constants for comparison. */
export interface BuiltinLaw {
  name: string;
  expression: string;
  /** Law variable -> role (how it maps to data columns). */
  variables: Record<string, Role>;
  /** Parameters fitted as logarithms (positive by nature). */
  logParams: string[];
  /** Published fits: name -> { constants, source }. */
  references: Record<string, { constants: Record<string, number>; source: string }>;
  description: string;
}

/** Built-in laws by name (`fitLaw(data, 'chinchilla')`). */
export const LAWS: Record<'universal' | 'chinchilla' | 'kaplan', BuiltinLaw> = {
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
    expression: '((N_c / N)^(alpha_N / alpha_D) + D_c / D)^alpha_D',
    variables: { N: 'params', D: 'tokens' },
    logParams: ['N_c', 'D_c'],
    references: {
      kaplan2020: {
        constants: { N_c: 8.8e13, D_c: 5.4e13, alpha_N: 0.076, alpha_D: 0.095 },
        source: 'Kaplan et al. 2020, Scaling Laws for Neural Language Models, eq. (1.5)',
      },
    },
    description: 'L = ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D (Kaplan et al. 2020)',
  },
};

/** Law variable symbols that stand for a role when no column has that exact name. */
export const SYMBOL_ROLES: Record<string, Role> = {
  N: 'params', D: 'tokens', m: 'width', l: 'depth', C: 'flops', tau: 'time', t: 'time', S: 'steps',
};
