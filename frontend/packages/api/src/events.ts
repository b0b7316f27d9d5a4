/**
 * `/ws/events/`: server pushes (`hello`, `job.updated`, `ticket.*`, `board.changed`,
 * `notification`) over the session cookie. Reconnects with capped exponential back-off and a
 * little jitter (so a ward of wall screens does not reconnect in lockstep after a server restart);
 * stops for good when the server refuses the session (close code 4401). A connection that stops
 * answering pings is closed and replaced (a dead TCP connection may never report `close`), and
 * the browser's `offline` / `online` events drop the connection at once and reconnect at once.
 */
import type { Job, TicketKind, TicketPriority, TicketStatus } from './types';

export type SocketStatus = 'idle' | 'connecting' | 'open' | 'closed';

/** `job.updated` may carry only the changed fields of a Job; `id` is always there. */
export type JobUpdate = Partial<Job> & Pick<Job, 'id'>;

/** `ticket.created` / `ticket.updated`: the summary the server pushes (services._summary). */
export interface TicketSummary {
  id: number;
  number: string;
  title: string;
  status: TicketStatus;
  priority: TicketPriority;
  kind: TicketKind;
  /** Department name (not id). */
  department: string;
  channel: string;
  assignment_group_id?: number | null;
  assignee_id?: number | null;
}

/** `ticket.event`: a reply or note was added to a ticket. */
export interface TicketEventPush {
  ticket: number;
  event: number;
}

/** `board.changed`: something the service boards count changed (the payload is only a hint). */
export interface BoardChangedPush {
  /** What moved a board number: `sla` (a scanner batch), `survey_answered`, `follow_up_closed`. */
  kind: string;
  /** The tickets concerned (at most 50) and how many there were in all. */
  tickets: number[];
  count: number;
}

/** `notification`: a new in-app notification for the signed-in user. */
export interface NotificationPush {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string;
  created_at: string;
}

export type EventFrame =
  | { type: 'hello'; payload: { user_id: number } }
  | { type: 'job.updated'; payload: JobUpdate }
  | { type: 'ticket.created'; payload: TicketSummary }
  | { type: 'ticket.updated'; payload: TicketSummary }
  | { type: 'ticket.event'; payload: TicketEventPush }
  | { type: 'board.changed'; payload: BoardChangedPush }
  | { type: 'notification'; payload: NotificationPush }
  | { type: 'pong'; payload: Record<string, never> };

export interface WebSocketLike {
  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number): void;
}

export interface EventSocketOptions {
  url: () => string;
  onFrame: (frame: EventFrame) => void;
  onStatus?: (status: SocketStatus) => void;
  /** Server refused the session: log in again. */
  onUnauthorized?: () => void;
  createSocket?: (url: string) => WebSocketLike;
  minDelayMs?: number;
  maxDelayMs?: number;
  pingIntervalMs?: number;
  /** Close a connection that sent nothing (not even a pong) this long after a ping. */
  pongTimeoutMs?: number;
  /** Share of the delay added at random (0.2 → up to 20% longer). */
  jitter?: number;
  /** 0 ≤ x < 1; injectable for tests. */
  random?: () => number;
  /** Where `online` / `offline` events come from (the window in a browser; none in tests). */
  network?: NetworkEvents | null;
}

/** The part of `window` the socket needs to follow the browser's network state. */
export interface NetworkEvents {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

function browserNetwork(): NetworkEvents | null {
  return typeof window !== 'undefined' && typeof window.addEventListener === 'function' ? window : null;
}

export const UNAUTHORIZED_CLOSE_CODE = 4401;

export function backoffDelay(attempt: number, minMs = 1000, maxMs = 30000): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
}

export function eventsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/events/`;
}

export function parseFrame(data: unknown): EventFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const frame: unknown = JSON.parse(data);
    if (typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string') {
      return frame as EventFrame;
    }
  } catch {
    return null;
  }
  return null;
}

export class EventSocket {
  private socket: WebSocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private network: NetworkEvents | null = null;
  status: SocketStatus = 'idle';

  constructor(private readonly options: EventSocketOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.network = this.options.network === undefined ? browserNetwork() : this.options.network;
    this.network?.addEventListener('offline', this.onOffline);
    this.network?.addEventListener('online', this.onOnline);
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.network?.removeEventListener('offline', this.onOffline);
    this.network?.removeEventListener('online', this.onOnline);
    this.network = null;
    this.clearTimers();
    this.discardSocket(1000);
    this.setStatus('idle');
  }

  /** The delay before reconnection attempt `attempt` (0-based), jitter included. */
  retryDelay(attempt: number): number {
    const base = backoffDelay(attempt, this.options.minDelayMs, this.options.maxDelayMs);
    const random = this.options.random ?? Math.random;
    return Math.round(base * (1 + (this.options.jitter ?? 0.2) * random()));
  }

  private readonly onOffline = (): void => {
    if (!this.running) return;
    this.clearTimers();
    this.discardSocket(4000);
    this.setStatus('closed');
    // `online` normally follows; retry slowly in case it never comes.
    this.scheduleRetry(this.options.maxDelayMs ?? 30000);
  };

  private readonly onOnline = (): void => {
    if (!this.running) return;
    if (this.socket) return;
    this.clearTimers();
    this.attempt = 0;
    this.connect();
  };

  private connect(): void {
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    this.setStatus('connecting');
    const socket = create(this.options.url());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
      const every = this.options.pingIntervalMs ?? 25000;
      this.pingTimer = setInterval(() => this.ping(socket), every);
    };
    socket.onmessage = (event) => {
      this.clearPongTimer();
      const frame = parseFrame(event.data);
      if (frame) this.options.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.clearTimers();
      this.socket = null;
      this.setStatus('closed');
      if (!this.running) return;
      if (event.code === UNAUTHORIZED_CLOSE_CODE) {
        this.running = false;
        this.options.onUnauthorized?.();
        return;
      }
      this.scheduleRetry(this.retryDelay(this.attempt));
      this.attempt += 1;
    };
    socket.onerror = () => undefined; // onclose follows and schedules the retry
  }

  private ping(socket: WebSocketLike): void {
    try {
      socket.send(JSON.stringify({ type: 'ping' }));
    } catch {
      // A socket that cannot send is as dead as one that does not answer.
    }
    if (this.pongTimer) return;
    this.pongTimer = setTimeout(() => this.onSilent(socket), this.options.pongTimeoutMs ?? 10000);
  }

  /** No answer to a ping: the connection is dead even if the browser has not noticed. */
  private onSilent(socket: WebSocketLike): void {
    this.pongTimer = null;
    if (this.socket !== socket || !this.running) return;
    this.clearTimers();
    this.discardSocket(4000);
    this.setStatus('closed');
    this.scheduleRetry(this.retryDelay(this.attempt));
    this.attempt += 1;
  }

  private scheduleRetry(delay: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running && !this.socket) this.connect();
    }, delay);
  }

  /** Close the current socket without its `close` event scheduling anything. */
  private discardSocket(code: number): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onclose = null;
    socket.onmessage = null;
    socket.onopen = null;
    try {
      socket.close(code);
    } catch {
      // already closed
    }
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.clearPongTimer();
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private setStatus(status: SocketStatus): void {
    this.status = status;
    this.options.onStatus?.(status);
  }
}
