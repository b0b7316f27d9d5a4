import type { EventFrame } from '@hitsm/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createLiveRefresh } from '@/components/boards/live-refresh';

const created = (id: number): EventFrame => ({
  type: 'ticket.created',
  payload: { id, number: `INC-${id}`, title: 'x', status: 'new', priority: 3, kind: 'incident', department: 'd', channel: 'web' },
});

describe('live board refresh', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads once for a burst of 200 frames', async () => {
    const load = vi.fn().mockResolvedValue(undefined);
    const live = createLiveRefresh({ load, delayMs: 400, periodMs: 0 });
    live.start();
    for (let n = 0; n < 200; n += 1) {
      live.onFrame(created(n));
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(5000);
    expect(load.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(load.mock.calls.length).toBeLessThanOrEqual(2);
    live.stop();
  });

  it('never waits less than 400 ms, and reads within maxWait during an endless stream', async () => {
    const load = vi.fn().mockResolvedValue(undefined);
    const live = createLiveRefresh({ load, delayMs: 100, maxWaitMs: 2000, periodMs: 0 });
    live.start();
    live.onFrame(created(1));
    await vi.advanceTimersByTimeAsync(399);
    expect(load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(1);

    // A frame every 100 ms for 10 s: a read about every 2 s, not one per frame, not none.
    load.mockClear();
    for (let n = 0; n < 100; n += 1) {
      live.onFrame(created(n));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(load.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(load.mock.calls.length).toBeLessThanOrEqual(6);
    live.stop();
  });

  it('ignores frames that do not move a number', async () => {
    const load = vi.fn().mockResolvedValue(undefined);
    const live = createLiveRefresh({ load, periodMs: 0 });
    live.start();
    expect(live.onFrame({ type: 'pong', payload: {} })).toBe(false);
    expect(live.onFrame({ type: 'board.changed', payload: { kind: 'sla', tickets: [7], count: 1 } })).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(load).toHaveBeenCalledTimes(1);
    live.stop();
  });

  it('runs one read at a time and one more for what arrived meanwhile', async () => {
    let finish: () => void = () => undefined;
    const load = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const live = createLiveRefresh({ load, periodMs: 0 });
    live.start();
    void live.refresh();
    void live.refresh();
    void live.refresh();
    expect(load).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    live.stop();
  });

  it('re-reads every period and stops for good', async () => {
    const load = vi.fn().mockResolvedValue(undefined);
    const onError = vi.fn();
    const live = createLiveRefresh({ load, periodMs: 60_000, onError });
    live.start();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(load).toHaveBeenCalledTimes(3);
    load.mockRejectedValueOnce(new Error('offline'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(onError).toHaveBeenCalledOnce();
    live.stop();
    live.onFrame(created(1));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(load).toHaveBeenCalledTimes(4);
    expect(vi.getTimerCount()).toBe(0);
  });
});
