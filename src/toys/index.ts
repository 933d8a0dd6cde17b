export { runToy } from './run';
export { recordToyRun, loadRecordedRun, readRecordedRun, replayRecordedRun, recordedLabel, codeVersion, RECORDED_FORMAT } from './recorded';
export type { RecordedRun, ReplayResult } from './recorded';
export type { ToyBackend } from './engine';
export type { CommonToyOptions } from './options';
export type { ToyExponent, ToyPoints } from './core';
export type { SoftmaxTimeOptions, SoftmaxTimeExtra, SoftmaxTimeOptimizer, SoftmaxTimeHead, FittedSlope } from './softmax-time';
export type { SuperpositionWidthOptions, SuperpositionWidthExtra } from './superposition-width';
export type { ResidualDepthOptions, ResidualDepthExtra } from './residual-depth';
export type { SuperpositionTimeOptions, SuperpositionTimeExtra, SuperpositionTimeRun } from './superposition-time';
export { closedFormTimeExponent } from './superposition-time-theory';
export type { ToyName, ToyOptions, ResolvedToyOptions, ToyTypes } from './registry';
export type { ToyResult, ToyResultBase, ShownToyOptions } from './result';
export type { ToyStability } from './stability';
export { toyNames } from './registry';
export { resolveToyOptions } from './resolve';
export { sweepToy } from './sweep';
export type { SweepOptions, SweepResult, SweepRow, SweepVerdict } from './sweep-types';
// the sweep's homogeneity test, for exponents gathered from several sweeps (notebook 03)
export { exponentVerdict } from './sweep-verdict';
export type { VerdictOptions } from './sweep-verdict';

export { poolSweeps } from './sweep-pooled';
export type { PoolOptions, PooledRow, PooledSweeps, PooledVerdict } from './sweep-pooled';
export { sweepTrend } from './sweep-trend';
export type { SweepTrend, TrendEstimate } from './sweep-trend';
export { exponentAlongTraining } from './trajectory';
export type { ExponentAlongTraining, ExponentAlongTrainingOptions } from './trajectory';
// which interventions change an exponent and which only move a coefficient (notebook 09)
export { exponentAndCoefficient, interventionEffect } from './intervention';
export type { ExponentAndCoefficient, InterventionEffect, InterventionVerdict, Shift } from './intervention';
