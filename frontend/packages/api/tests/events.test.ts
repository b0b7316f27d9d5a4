import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  EventSocket,
  backoffDelay,
  eventsUrl,
  parseFrame,
  type EventFrame,
  type EventSocketOptions,
  type NetworkEvents,
  type WebSocketLike,
} from '../src';

class FakeSocket implements WebSocketLike {
  onopen: ((ev: Event) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  message(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  drop(code = 1006) {
    this.onclose?.({ code } as CloseEvent);
  }
}

describe('EventSocket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function make(extra: Partial<EventSocketOptions> = {}) {
    const sockets: FakeSocket[] = [];
    const frames: EventFrame[] = [];
    const statuses: string[] = [];
    const onUnauthorized = vi.fn();
    const socket = new EventSocket({
      url: () => 'ws://hitsm.test/ws/events/',
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      onFrame: (f) => frames.push(f),
      onStatus: (s) => statuses.push(s),
      onUnauthorized,
      network: null,
      random: () => 0,
      ...extra,
    });
    return { socket, sockets, frames, statuses, onUnauthorized };
  }

  it('delivers frames and reconnects with growing delays', () => {
    const { socket, sockets, frames, statuses } = make();
    socket.start();
    sockets[0]!.open();
    sockets[0]!.message({ type: 'job.updated', payload: { id: 4, progress: 3 } });
    expect(frames).toEqual([{ type: 'job.updated', payload: { id: 4, progress: 3 } }]);

    sockets[0]!.drop();
    expect(statuses.at(-1)).toBe('closed');
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    expect(statuses.at(-1)).toBe('open');
    socket.stop();
    expect(sockets[2]!.closed).toBe(true);
  });

  it('stops and reports when the server refuses the session', () => {
    const { socket, sockets, onUnauthorized } = make();
    socket.start();
    sockets[0]!.drop(4401);
    vi.advanceTimersByTime(60000);
    expect(sockets).toHaveLength(1);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('keeps reconnecting after a server restart, never waiting more than the cap plus jitter', () => {
    const { socket, sockets } = make({ random: () => 0.999, maxDelayMs: 30000 });
    socket.start();
    // The server is down for a long while: every attempt fails at once.
    for (let n = 0; n < 40; n += 1) {
      sockets.at(-1)!.drop();
      const delay = socket.retryDelay(n);
      expect(delay).toBeLessThanOrEqual(36000);
      expect(delay).toBeGreaterThanOrEqual(backoffDelay(n));
      vi.advanceTimersByTime(36000);
      expect(sockets).toHaveLength(n + 2);
    }
    // It comes back: the next connection opens and the delays start small again.
    sockets.at(-1)!.open();
    sockets.at(-1)!.drop();
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(42);
    socket.stop();
    vi.advanceTimersByTime(120000);
    expect(sockets).toHaveLength(42);
  });

  it('replaces a connection that stops answering pings', () => {
    const { socket, sockets, statuses } = make({ pingIntervalMs: 1000, pongTimeoutMs: 500 });
    socket.start();
    sockets[0]!.open();
    vi.advanceTimersByTime(1000);
    sockets[0]!.message({ type: 'pong', payload: {} });
    vi.advanceTimersByTime(1000); // second ping, never answered
    vi.advanceTimersByTime(500);
    expect(sockets[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe('closed');
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
    // A late close event of the dead socket schedules nothing more.
    sockets[0]!.drop();
    vi.advanceTimersByTime(60000);
    expect(sockets).toHaveLength(2);
    socket.stop();
  });

  it('drops the connection when the browser goes offline and reconnects at once when it is back', () => {
    const listeners: Record<string, (() => void)[]> = { online: [], offline: [] };
    const network: NetworkEvents = {
      addEventListener: (type, listener) => listeners[type]!.push(listener),
      removeEventListener: (type, listener) => (listeners[type] = listeners[type]!.filter((l) => l !== listener)),
    };
    const { socket, sockets, statuses } = make({ network });
    socket.start();
    sockets[0]!.open();
    listeners.offline!.forEach((l) => l());
    expect(sockets[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe('closed');
    vi.advanceTimersByTime(10000);
    expect(sockets).toHaveLength(1);
    listeners.online!.forEach((l) => l());
    expect(sockets).toHaveLength(2);
    expect(statuses.at(-1)).toBe('connecting');
    sockets[1]!.open();
    expect(statuses.at(-1)).toBe('open');
    socket.stop();
    expect(listeners.online).toHaveLength(0);
    expect(listeners.offline).toHaveLength(0);
  });

  it('pings while open', () => {
    const { socket, sockets } = make();
    socket.start();
    sockets[0]!.open();
    vi.advanceTimersByTime(25000);
    expect(sockets[0]!.sent).toEqual(['{"type":"ping"}']);
    socket.stop();
  });
});

describe('helpers', () => {
  it('caps the back-off', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 30000]);
  });
  it('builds ws and wss urls', () => {
    expect(eventsUrl({ protocol: 'http:', host: '127.0.0.1:8765' })).toBe('ws://127.0.0.1:8765/ws/events/');
    expect(eventsUrl({ protocol: 'https:', host: 'itsm.hospital.cn' })).toBe('wss://itsm.hospital.cn/ws/events/');
  });
  it('ignores frames that are not JSON objects with a type', () => {
    expect(parseFrame('nope')).toBeNull();
    expect(parseFrame('{"payload":1}')).toBeNull();
    expect(parseFrame(new Blob())).toBeNull();
  });
});
