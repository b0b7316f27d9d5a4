import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { EventSocket, backoffDelay, eventsUrl, parseFrame, type EventFrame, type WebSocketLike } from '../src';

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

  function make() {
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
