import { existsSync } from 'fs';
import { join, resolve } from 'path';
import type { DataFrame } from './frame';
import { ScalingLabError, checkOptionKeys, describeValue } from '../errors';
import { readCSV } from './csv';
import { type Columns, toDataFrame } from './frame';

/** Where a shipped data set comes from, attached to each loaded table as `meta`. */
export interface DatasetMeta {
  name: string;
  file: string;
  rows: number;
  source: string;
  licence: string;
  /** Column -> what it holds. */
  columns: Record<string, string>;
  notes?: string;
}

/**
 * A table with its provenance: a danfo DataFrame, or a ColumnTable without danfojs-node (see DataFrame).
 * A loader's type argument names the table type to see it as, unchecked (as in querySelector<E>):
 * `datasets.chinchilla<import('danfojs-node').DataFrame>()` gives danfo's whole API and `meta`.
 */
export type Dataset<T extends DataFrame = DataFrame> = T & { readonly meta: DatasetMeta };

/** A data set loaded with `{ as: 'columns' }`: plain arrays, with the same `meta`. */
export type DatasetColumns = Columns & { readonly meta: DatasetMeta };

/** Options of every loader. */
export interface DatasetOptions {
  /** 'dataframe' (default) or 'columns' (plain arrays, no danfo load). */
  as?: 'dataframe' | 'columns';
}

/** The project's data folder: ../../data from src/data, dist/data or build/src/data. */
export function dataDir(): string {
  const candidates = [resolve(__dirname, '..', '..', 'data'), resolve(__dirname, '..', '..', '..', 'data')];
  for (const c of candidates) if (existsSync(join(c, 'chinchilla_width_depth.csv'))) return c;
  throw new ScalingLabError('missing-file', `scalinglab data folder not found (looked in ${candidates.join(', ')}).`,
    'reinstall the package: its data/ folder ships the CSVs.');
}

/** Checks a loader's options (keys and values) before its file is read, then reads the file. */
function load(file: string, fn: string, options: unknown, keys: readonly string[] = ['as']): Columns {
  const name = `datasets.${fn}`;
  checkOptionKeys(name, options as object | undefined, keys);
  const o = (options ?? {}) as { as?: unknown; table?: unknown };
  if (o.as !== undefined && o.as !== 'dataframe' && o.as !== 'columns') {
    throw new ScalingLabError('bad-option', `${name}: as must be 'dataframe' or 'columns', got ${describeValue(o.as)}.`, "leave it out for a DataFrame, or pass { as: 'columns' } for plain arrays.");
  }
  if (o.table !== undefined && o.table !== 'isoflop' && o.table !== 'optimal') {
    throw new ScalingLabError('bad-option', `${name}: table must be 'isoflop' or 'optimal', got ${describeValue(o.table)}.`, "leave it out for the isoFLOP points, or pass { table: 'optimal' } for the per-budget optimal pairs.");
  }
  return readCSV(join(dataDir(), file));
}

function finish(columns: Columns, meta: Omit<DatasetMeta, 'rows'>, options: DatasetOptions | undefined): Dataset | DatasetColumns {
  const rows = Object.values(columns)[0]?.length ?? 0;
  const full: DatasetMeta = { ...meta, rows };
  const table = options?.as === 'columns' ? columns : toDataFrame(columns);
  return Object.defineProperty(table, 'meta', { value: full, enumerable: false }) as Dataset | DatasetColumns;
}

function pick(src: Columns, rename: Record<string, string>): Columns {
  const out: Columns = {};
  for (const [from, to] of Object.entries(rename)) out[to] = src[from];
  return out;
}

const CHIN_SOURCE = 'Hoffmann et al. 2022 (Chinchilla), Fig. 4, as extracted by Epoch AI (Besiroglu et al. 2024, github.com/epoch-research/analyzing-chinchilla)';

/**
 * The 245 Chinchilla runs with width and depth (file `chinchilla_width_depth.csv`): columns
 * params, flops, loss, tokens (= flops / (6 params)), width (d_model), depth (n_layers).
 * Width/depth from Chinchilla Table A9 as mapped by Liu, Kangaslahti, Liu, Gore 2026 (DepthScaling).
 */
function chinchilla<T extends DataFrame = DataFrame>(options?: { as?: 'dataframe' }): Dataset<T>;
function chinchilla(options: { as: 'columns' }): DatasetColumns;
function chinchilla(options?: DatasetOptions): Dataset | DatasetColumns {
  const src = load('chinchilla_width_depth.csv', 'chinchilla', options);
  const cols = pick(src, { model_size: 'params', FLOP: 'flops', loss: 'loss', num_tokens: 'tokens', d_model: 'width', n_layers: 'depth' });
  return finish(cols, {
    name: 'chinchilla', file: 'chinchilla_width_depth.csv',
    source: `${CHIN_SOURCE}; width/depth mapping from Liu, Kangaslahti, Liu, Gore 2026 (github.com/liuyz0/DepthScaling)`,
    licence: 'none stated; values read off a published figure',
    columns: { params: 'parameters N (model_size)', flops: 'training FLOP C', loss: 'final loss', tokens: 'training tokens D = C/(6N)', width: 'd_model', depth: 'n_layers' },
    notes: 'losses read from marker colours: about +/-0.015 quantisation error each',
  }, options);
}

/**
 * Epoch AI's original extraction (`epoch_chinchilla_extracted.csv`): params ('Model Size'), flops
 * ('Training FLOP'), loss, and tokens = flops / (6 params) as in Epoch's replication; the SVG columns
 * x, y, color, hex_color are kept.
 */
function epochChinchilla<T extends DataFrame = DataFrame>(options?: { as?: 'dataframe' }): Dataset<T>;
function epochChinchilla(options: { as: 'columns' }): DatasetColumns;
function epochChinchilla(options?: DatasetOptions): Dataset | DatasetColumns {
  const src = load('epoch_chinchilla_extracted.csv', 'epochChinchilla', options);
  const params = src['Model Size'] as number[];
  const flops = src['Training FLOP'] as number[];
  const cols: Columns = {
    params, flops, loss: src.loss,
    tokens: flops.map((c, i) => c / (6 * params[i])),
    x: src.x, y: src.y, color: src.color, hex_color: src.hex_color,
  };
  return finish(cols, {
    name: 'epochChinchilla', file: 'epoch_chinchilla_extracted.csv', source: CHIN_SOURCE,
    licence: 'none stated; values read off a published figure',
    columns: { params: 'Model Size', flops: 'Training FLOP', loss: 'loss', tokens: 'Training FLOP / (6 Model Size)', x: 'SVG x', y: 'SVG y', color: 'marker colour', hex_color: 'marker colour' },
    notes: "Epoch's replication drops the 5 highest losses and fits with Huber (delta 1e-3, summed) on log L",
  }, options);
}

/**
 * Gadre et al. 2024 width x depth x heads x warm-up grid (`gadre2024_width_depth_grid.csv`):
 * width (d_model), depth (n_layers), n_heads, head_dim, lr, wd, global_bs, tokens, warmup, cooldown_end_lr, loss.
 */
function gadreWidthDepth<T extends DataFrame = DataFrame>(options?: { as?: 'dataframe' }): Dataset<T>;
function gadreWidthDepth(options: { as: 'columns' }): DatasetColumns;
function gadreWidthDepth(options?: DatasetOptions): Dataset | DatasetColumns {
  const src = load('gadre2024_width_depth_grid.csv', 'gadreWidthDepth', options);
  const cols = pick(src, { d_model: 'width', n_layers: 'depth', n_heads: 'n_heads', 'head_dim?': 'head_dim', lr: 'lr', wd: 'wd', global_bs: 'global_bs', tokens: 'tokens', warmup: 'warmup', cooldown_end_lr: 'cooldown_end_lr', loss: 'loss' });
  return finish(cols, {
    name: 'gadreWidthDepth', file: 'gadre2024_width_depth_grid.csv',
    source: 'Gadre et al. 2024, github.com/mlfoundations/scaling (exp_data/grid.json)', licence: 'MIT',
    columns: { width: 'd_model', depth: 'n_layers', tokens: 'training tokens', loss: 'final loss' },
  }, options);
}

/** Which Porian et al. table: every isoFLOP point, or the per-budget optimal pairs. */
type PorianTable = 'isoflop' | 'optimal';

/**
 * Porian et al. 2024 recipes: isoFLOP points (`porian2024_isoflop_points.csv`: recipe, dataset, hparams,
 * warmup, decay, param_count, loss_split, flops, params, tokens, loss), or with `table: 'optimal'` the
 * per-budget optimal pairs (`porian2024_optimal_pairs.csv`). `recipe` is the source's `setting` column.
 */
function porianRecipes<T extends DataFrame = DataFrame>(options?: { as?: 'dataframe'; table?: PorianTable }): Dataset<T>;
function porianRecipes(options: { as: 'columns'; table?: PorianTable }): DatasetColumns;
function porianRecipes(options?: DatasetOptions & { table?: PorianTable }): Dataset | DatasetColumns {
  const optimal = options?.table === 'optimal';
  const file = optimal ? 'porian2024_optimal_pairs.csv' : 'porian2024_isoflop_points.csv';
  const src = load(file, 'porianRecipes', options, ['as', 'table']);
  const cols: Columns = { recipe: src.setting };
  for (const [k, v] of Object.entries(src)) if (k !== 'setting') cols[k] = v;
  return finish(cols, {
    name: 'porianRecipes', file,
    source: 'Porian et al. 2024, github.com/formll/resolving-scaling-law-discrepancies', licence: 'MIT',
    columns: optimal
      ? { recipe: 'training recipe (setting)', flops: 'budget C', n_star: 'optimal N', d_star: 'optimal D', loss_star: 'optimal loss' }
      : { recipe: 'training recipe (setting)', flops: 'budget C', params: 'N', tokens: 'D', loss: 'loss' },
  }, { as: options?.as });
}

/**
 * OPT training trajectories (`opt_training_trajectories.csv`, Choshen et al. 2025, IBM/ColPret):
 * model, size (e.g. '125m'), params, steps, tokens (10^num_token), flops (10^flops), ppl, loss = ln(ppl).
 */
function optTrajectories<T extends DataFrame = DataFrame>(options?: { as?: 'dataframe' }): Dataset<T>;
function optTrajectories(options: { as: 'columns' }): DatasetColumns;
function optTrajectories(options?: DatasetOptions): Dataset | DatasetColumns {
  const src = load('opt_training_trajectories.csv', 'optTrajectories', options);
  const size = src.model_size as string[];
  const mult: Record<string, number> = { m: 1e6, b: 1e9 };
  const cols: Columns = {
    model: src.model_name, size,
    params: size.map((s) => parseFloat(s) * (mult[s.slice(-1).toLowerCase()] ?? NaN)),
    steps: src.steps,
    tokens: (src.num_token as number[]).map((v) => 10 ** v),
    flops: (src.flops as number[]).map((v) => 10 ** v),
    ppl: src.ppl,
    loss: (src.ppl as number[]).map((p) => Math.log(p)),
  };
  return finish(cols, {
    name: 'optTrajectories', file: 'opt_training_trajectories.csv',
    source: 'Choshen et al. 2025, github.com/IBM/ColPret (OPT 125m to 175b)', licence: 'MIT',
    columns: { params: 'nominal size from the model name', tokens: '10^num_token', flops: '10^flops', loss: 'ln(ppl)' },
  }, options);
}

/** GPT-2 124M to 1558M on OpenWebText (`gpt2_openwebtext_losses.csv`, nanoGPT README): model, params, train_loss, loss (validation). */
function gpt2<T extends DataFrame = DataFrame>(options?: { as?: 'dataframe' }): Dataset<T>;
function gpt2(options: { as: 'columns' }): DatasetColumns;
function gpt2(options?: DatasetOptions): Dataset | DatasetColumns {
  const src = load('gpt2_openwebtext_losses.csv', 'gpt2', options);
  const cols = pick(src, { model: 'model', params: 'params', owt_train_loss: 'train_loss', owt_val_loss: 'loss', source: 'source' });
  return finish(cols, {
    name: 'gpt2', file: 'gpt2_openwebtext_losses.csv', source: "karpathy/nanoGPT README 'baselines' table", licence: 'MIT',
    columns: { params: 'parameters', loss: 'OpenWebText validation loss', train_loss: 'OpenWebText train loss' },
  }, options);
}

/**
 * The shipped real data sets (see data/README.md for attribution). Each loader returns a Dataset (a
 * DataFrame with `meta`), or with `{ as: 'columns' }` plain arrays with `meta`.
 */
export const datasets = { chinchilla, epochChinchilla, gadreWidthDepth, porianRecipes, optTrajectories, gpt2 };
