import type { ProgressCallback, ProgressEvent } from '../progress';
import { displayBundle, inKernel, newDisplayId } from './kernel';
import { escapeHtml } from './table';
import { ScalingLabError, checkOptionKeys, describeValue } from '../errors';

export interface ProgressBarOptions {
  /** Label shown before the bar; defaults to the event's task. */
  label?: string;
  /** Also (or, outside a notebook, only) print progress to stderr. Default: false. */
  console?: boolean;
  /** Minimum time between two updates of the display, in ms (first and last always shown). Default 150. */
  minIntervalMs?: number;
  /** Width of the text bar in characters. Default 30. */
  width?: number;
}

/** The onProgress callback returned by progressBar(), with a way to force the bar to 100%. */
export interface ProgressBar extends ProgressCallback {
  /** Marks the work finished (draws 100%). */
  finish(): void;
  /** The display id updated in place (null outside a notebook). */
  readonly displayId: string | null;
  /** The last event shown. */
  readonly last: ProgressEvent | null;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The loss on a progress line: four significant digits with trailing zeros kept (0.2000), so the line
 * keeps its width while it updates; that is why this is not util/format's fmt, which drops them.
 */
function fmtLoss(loss: number | undefined): string {
  if (loss === undefined || !Number.isFinite(loss)) return '';
  return Math.abs(loss) >= 1e-3 && Math.abs(loss) < 1e4 ? loss.toPrecision(4) : loss.toExponential(3);
}

/** One line of text for an event: `task [#####-----]  50% step 500/1000 loss 0.1234 elapsed 3.1 s, ~3.0 s left`. */
export function progressText(e: ProgressEvent, label?: string, width = 30): string {
  const frac = Math.max(0, Math.min(1, e.fraction));
  const filled = Math.floor(frac * width);
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  const loss = fmtLoss(e.loss);
  const left = frac >= 1 ? 'done' : `~${formatDuration(e.secondsLeft)} left`;
  return `${label ?? e.task} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct} step ${e.done}/${e.total}`
    + `${loss ? ` loss ${loss}` : ''} · ${formatDuration(e.elapsedSeconds)} elapsed, ${left}`;
}

/** The HTML bar for an event. */
export function progressHtml(e: ProgressEvent, label?: string): string {
  const frac = Math.max(0, Math.min(1, e.fraction));
  const pct = Math.floor(frac * 100);
  const loss = fmtLoss(e.loss);
  const left = frac >= 1 ? 'done' : `~${escapeHtml(formatDuration(e.secondsLeft))} left`;
  const color = frac >= 1 ? '#2ca02c' : '#1f77b4';
  return `<div class="scalinglab-progress" data-percent="${pct}" style="font:12px sans-serif;max-width:640px">`
    + `<div style="display:flex;justify-content:space-between"><span>${escapeHtml(label ?? e.task)}</span>`
    + `<span class="scalinglab-progress-percent">${pct}%</span></div>`
    + `<div style="background:#e6e6e6;border-radius:3px;height:10px;overflow:hidden"><div style="width:${pct}%;height:100%;background:${color}"></div></div>`
    + `<div style="color:#555">step ${e.done}/${e.total}${loss ? ` · loss ${escapeHtml(loss)}` : ''} · ${escapeHtml(formatDuration(e.elapsedSeconds))} elapsed · ${left}</div></div>`;
}

/**
 * A progress bar for long work (toy runs, bootstrap, start grids): pass it as `onProgress`. In a
 * notebook it is one output updated in place (one display id) with step, loss so far and time left,
 * ending at 100%; outside a notebook it is silent unless `{ console: true }`.
 */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  checkOptionKeys('progressBar', options, ['label', 'console', 'minIntervalMs', 'width']);
  if (options.width !== undefined && !(Number.isInteger(options.width) && options.width >= 1 && options.width <= 500)) {
    throw new ScalingLabError('bad-option', `progressBar: width must be a whole number of characters from 1 to 500, got ${describeValue(options.width)}.`, 'e.g. width: 30 (the default).');
  }
  const minInterval = options.minIntervalMs ?? 150;
  const notebook = inKernel();
  const displayId = notebook ? newDisplayId('scalinglab-progress') : null;
  let shown = false;
  let lastShownAt = 0;
  let last: ProgressEvent | null = null;
  let lastLine = '';

  const draw = (e: ProgressEvent, force: boolean) => {
    last = e;
    const now = Date.now();
    const final = e.fraction >= 1 || e.done >= e.total;
    if (!force && !final && lastShownAt > 0 && now - lastShownAt < minInterval) return;
    lastShownAt = now;
    const text = progressText(e, options.label, options.width);
    if (notebook && displayId) {
      displayBundle({ 'text/html': progressHtml(e, options.label), 'text/plain': text }, { displayId, update: shown });
      shown = true;
    }
    if (options.console && text !== lastLine) {
      lastLine = text;
      process.stderr.write(`${text}\n`);
    }
  };

  const bar = ((e: ProgressEvent) => draw(e, false)) as ProgressBar;
  Object.defineProperty(bar, 'displayId', { get: () => displayId });
  Object.defineProperty(bar, 'last', { get: () => last });
  bar.finish = () => {
    const e: ProgressEvent = last
      ? { ...(last as ProgressEvent), done: (last as ProgressEvent).total, fraction: 1, secondsLeft: 0 }
      : { task: options.label ?? 'done', done: 1, total: 1, fraction: 1, elapsedSeconds: 0, secondsLeft: 0 };
    draw(e, true);
  };
  return bar;
}
