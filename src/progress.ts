/** Progress of long work (toy training, bootstrap, start grids), reported through `onProgress`. */
export interface ProgressEvent {
  /** What is running, e.g. 'superposition-width m=25' or 'bootstrap'. */
  task: string;
  done: number;
  total: number;
  /** done / total, in [0, 1]. */
  fraction: number;
  /** Latest loss, when the work has one. */
  loss?: number;
  elapsedSeconds: number;
  /** Estimated from the rate so far; null until there is a rate. */
  secondsLeft: number | null;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** Rate-limited progress reporter: at most one event per `minIntervalMs`, plus the first and last. */
export function progressReporter(task: string, total: number, onProgress?: ProgressCallback, minIntervalMs = 200) {
  const started = Date.now();
  let last = 0;
  return (done: number, loss?: number, taskOverride?: string): void => {
    if (!onProgress) return;
    const now = Date.now();
    if (done !== 0 && done < total && now - last < minIntervalMs) return;
    last = now;
    const elapsedSeconds = (now - started) / 1000;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const secondsLeft = done > 0 && fraction < 1 ? (elapsedSeconds / done) * (total - done) : done >= total ? 0 : null;
    onProgress({ task: taskOverride ?? task, done, total, fraction, loss, elapsedSeconds, secondsLeft });
  };
}
