export { frontier, frontierColumns } from './frontier';
export type { LawSpec, FrontierOptions } from './frontier';
export type { FrontierRow, FrontierResult, FrontierBands, FrontierForm } from './types';
export { resolveBudgets } from './budgets';
export type { Budgets } from './budgets';
export { isoflops } from './isoflops';
export type { IsoflopOptions, IsoflopBudget, IsoflopResult, AllocationExponents, IsoflopMethod, BudgetStatus, EnvelopePoint } from './isoflops';
export { compareFrontiers } from './compare';
export type { FrontierComparison, FrontierComparisonOptions, ComparedRow, AllocationRatio, FrontierExponents, AllocationQuantity } from './compare';
