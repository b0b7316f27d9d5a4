/**
 * How a service board stays current (requirement 3.1.5): the server is the source of truth, so a
 * board re-reads its snapshot instead of patching numbers from frames.
 *
 * - Frames that may change a number (`ticket.created`, `ticket.updated`, `board.changed`) start a
 *   quiet period; the read happens when frames stop for `delayMs` (at least 400 ms), or at the
 *   latest `maxWaitMs` after the first frame of a long burst. A burst of 200 frames is one read.
 * - At most one read runs at a time; frames that arrive meanwhile cause one more read after it.
 * - A reconnection reads at once (frames may have been missed); a full read also runs every
 *   `periodMs`, so a wall screen left for days never drifts.
 * Timers only: nothing grows with the number of frames.
 */
import type { EventFrame } from '@hitsm/api';

export const BOARD_FRAMES: ReadonlySet<string> = new Set(['ticket.created', 'ticket.updated', 'board.changed']);
export const MIN_REFRESH_DELAY_MS = 400;

export interface LiveRefreshOptions {
  load: () => Promise<unknown>;
  delayMs?: number;
  maxWaitMs?: number;
  /** Full re-read interval; 0 turns it off. */
  periodMs?: number;
  onError?: (error: unknown) => void;
}

export interface LiveRefresh {
  /** Feed every frame of the connection; answers whether it scheduled a read. */
  onFrame: (frame: EventFrame) => boolean;
  /** Read now (first load, reconnection, the refresh button). */
  refresh: () => Promise<void>;
  start: () => void;
  stop: () => void;
}

export function createLiveRefresh(options: LiveRefreshOptions): LiveRefresh {
  const delay = Math.max(MIN_REFRESH_DELAY_MS, options.delayMs ?? 600);
  const maxWait = Math.max(delay, options.maxWaitMs ?? 3000);
  const period = options.periodMs ?? 5 * 60 * 1000;
  let quietTimer: ReturnType<typeof setTimeout> | null = null;
  let burstStartedAt: number | null = null;
  let periodTimer: ReturnType<typeof setInterval> | null = null;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let running = false;

  function clearQuiet(): void {
    if (quietTimer) clearTimeout(quietTimer);
    quietTimer = null;
    burstStartedAt = null;
  }

  async function refresh(): Promise<void> {
    clearQuiet();
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        await options.load();
      } catch (error) {
        options.onError?.(error);
      } finally {
        inFlight = null;
      }
      if (again && running) {
        again = false;
        await refresh();
      }
      again = false;
    })();
    return inFlight;
  }

  function onFrame(frame: EventFrame): boolean {
    if (!running || !BOARD_FRAMES.has(frame.type)) return false;
    const now = Date.now();
    burstStartedAt ??= now;
    if (quietTimer) clearTimeout(quietTimer);
    const wait = Math.min(delay, Math.max(0, burstStartedAt + maxWait - now));
    quietTimer = setTimeout(() => void refresh(), wait);
    return true;
  }

  function start(): void {
    if (running) return;
    running = true;
    if (period > 0) periodTimer = setInterval(() => void refresh(), period);
  }

  function stop(): void {
    running = false;
    clearQuiet();
    if (periodTimer) clearInterval(periodTimer);
    periodTimer = null;
    again = false;
  }

  return { onFrame, refresh, start, stop };
}
