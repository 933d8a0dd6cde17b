export { compareRecipes, PARAMS_LAW_FIXED, PARAMS_LAW_FREE } from './compare';
export type { CompareOptions, RecipeComparison, RecipeFit } from './types';
export type { ExponentTest } from './types';
export { compareCompute } from './multiplier';
export type { ComputeComparison } from './multiplier';
export { testSharedExponents, UNIVERSAL_LAW_FREE } from './sharedExponents';
export type { SharedExponentOptions, SharedExponentTest, CoefficientShift } from './sharedExponentsTypes';
export { rankAgreement, kendallTau } from './ranking';
export type { RankAgreement, RankAgreementOptions, RankingBudget, RankStat } from './ranking';
