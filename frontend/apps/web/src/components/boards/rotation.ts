import { nextPage } from './board-format';

export interface Rotation {
  readonly index: number;
  readonly paused: boolean;
  next: () => void;
  go: (index: number) => void;
  setPaused: (paused: boolean) => void;
  start: () => void;
  stop: () => void;
}

/**
 * The wall screen's pages turning every `intervalMs`: one interval timer, restarted when a page
 * is chosen by hand so it stays up for a full period.
 */
export function createRotation(options: { count: () => number; intervalMs: number; onChange: (index: number) => void }): Rotation {
  let index = 0;
  let paused = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  function go(next: number): void {
    const count = options.count();
    index = count > 0 ? ((next % count) + count) % count : 0;
    options.onChange(index);
  }

  function arm(): void {
    if (timer) clearInterval(timer);
    timer = null;
    if (!paused) timer = setInterval(() => go(nextPage(index, options.count())), options.intervalMs);
  }

  return {
    get index() {
      return index;
    },
    get paused() {
      return paused;
    },
    next: () => {
      go(nextPage(index, options.count()));
      arm();
    },
    go: (next) => {
      go(next);
      arm();
    },
    setPaused: (value) => {
      paused = value;
      arm();
    },
    start: arm,
    stop: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
