/**
 * `/ws/events/`: server pushes (`hello`, `job.updated`, `ticket.*`, `notification`) over the
 * session cookie. Reconnects with
 * exponential back-off; stops for good when the server refuses the session (close code 4401).
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
  private running = false;
  status: SocketStatus = 'idle';

  constructor(private readonly options: EventSocketOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000);
    }
    this.setStatus('idle');
  }

  private connect(): void {
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    this.setStatus('connecting');
    const socket = create(this.options.url());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
      const every = this.options.pingIntervalMs ?? 25000;
      this.pingTimer = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), every);
    };
    socket.onmessage = (event) => {
      const frame = parseFrame(event.data);
      if (frame) this.options.onFrame(frame);
    };
    socket.onclose = (event) => {
      this.clearTimers();
      this.socket = null;
      this.setStatus('closed');
      if (!this.running) return;
      if (event.code === UNAUTHORIZED_CLOSE_CODE) {
        this.running = false;
        this.options.onUnauthorized?.();
        return;
      }
      const delay = backoffDelay(this.attempt, this.options.minDelayMs, this.options.maxDelayMs);
      this.attempt += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
    socket.onerror = () => undefined; // onclose follows and schedules the retry
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private setStatus(status: SocketStatus): void {
    this.status = status;
    this.options.onStatus?.(status);
  }
}
