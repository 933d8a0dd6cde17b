import type { ToySpec } from './core';
import type { CommonToyOptions, ResolvedCommonOptions } from './options';
import { ResidualDepthExtra, ResidualDepthOptions, residualDepthToy } from './residual-depth';
import { SoftmaxTimeExtra, SoftmaxTimeOptions, softmaxTimeToy } from './softmax-time';
import { SuperpositionWidthExtra, SuperpositionWidthOptions, superpositionWidthToy } from './superposition-width';
import { SuperpositionTimeExtra, SuperpositionTimeOptions, superpositionTimeToy } from './superposition-time';

/** The toys: each isolates the mechanism behind one universal exponent. */
export const toyNames = ['softmax-time', 'superposition-width', 'residual-depth', 'superposition-time'] as const;
export type ToyName = (typeof toyNames)[number];

/** Each toy's options (all filled in) and the fields its result adds. */
export interface ToyTypes {
  'softmax-time': { options: SoftmaxTimeOptions; extra: SoftmaxTimeExtra };
  'superposition-width': { options: SuperpositionWidthOptions; extra: SuperpositionWidthExtra };
  'residual-depth': { options: ResidualDepthOptions; extra: ResidualDepthExtra };
  'superposition-time': { options: SuperpositionTimeOptions; extra: SuperpositionTimeExtra };
}

/** What runToy(name, options) accepts: the common options and any of the toy's own. */
export type ToyOptions<N extends ToyName = ToyName> = CommonToyOptions & Partial<ToyTypes[N]['options']>;

/** The options a run used: every default filled in. */
export type ResolvedToyOptions<N extends ToyName = ToyName> = ResolvedCommonOptions & ToyTypes[N]['options'];

export type ToySpecOf<N extends ToyName> = ToySpec<ToyTypes[N]['options'], ToyTypes[N]['extra']>;

export const toys: { [N in ToyName]: ToySpecOf<N> } = {
  'softmax-time': softmaxTimeToy,
  'superposition-width': superpositionWidthToy,
  'residual-depth': residualDepthToy,
  'superposition-time': superpositionTimeToy,
};
