import { inspect } from 'util';

/**
 * How results render themselves without the science modules knowing about tslab: a result gets a
 * custom inspect that hands it to the renderer the notebook layer registered (inside a tslab
 * kernel), or falls back to its text summary (plain Node, scripts, tests).
 */
const RENDERER = Symbol.for('scalinglab.renderer.v1');

export type Renderer = (result: { kind: string }) => string | undefined;

export function setRenderer(renderer: Renderer | undefined): void {
  (globalThis as Record<symbol, unknown>)[RENDERER] = renderer;
}

export function getRenderer(): Renderer | undefined {
  return (globalThis as Record<symbol, unknown>)[RENDERER] as Renderer | undefined;
}

/** Makes `result` render itself when printed (tslab prints a cell's last value with console.log). */
export function attachDisplay<T extends { kind: string; summary(): string }>(result: T): T {
  Object.defineProperty(result, inspect.custom, {
    enumerable: false,
    value: function (this: T) {
      const render = getRenderer();
      const shown = render ? render(this) : undefined;
      return shown ?? this.summary();
    },
  });
  return result;
}
