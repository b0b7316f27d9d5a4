/**
 * Service boards (hitsm/dashboards/api/boards.py, requirement 3.1.5): the desk board, the role
 * homes and the wallboard. Read-only snapshots the pages re-read after `ticket.*` /
 * `board.changed` frames, on reconnection and every few minutes.
 *
 * Types come from the generated schema by path. Where the schema is wider than the wire, the
 * shapes are narrowed here: `priority` is the ticket's 1–5 (an integer field there) and a wall
 * KPI is the KPI board's {@link Kpi}. Attainment is a percentage 0–100, as the KPI engine's;
 * satisfaction rates are shares 0–1.
 */
import { createHitsmClient, type HitsmClient } from './client';
import { unwrap } from './errors';
import type { Kpi } from './kpis';
import type { components } from './schema';
import type { TicketPriority } from './types';

type Schemas = components['schemas'];
type WithPriority<T> = Omit<T, 'priority'> & { priority: TicketPriority };

export type BoardToday = Schemas['BoardToday'];
export type BoardChannelCount = Schemas['BoardChannelCount'];
export type BoardPerson = Schemas['BoardPerson'];
/** A ticket nobody has accepted yet, longest wait first. */
export type BoardUnacceptedTicket = WithPriority<Schemas['BoardUnacceptedTicket']>;
/** An open ticket past its resolution deadline. */
export type BoardOverdueTicket = WithPriority<Schemas['BoardOverdueTicket']>;
/** The month's surveys: average scores (5 points, null before anyone answered) and shares 0–1. */
export type BoardSatisfaction = Schemas['BoardSatisfaction'];

export type DeskBoard = Omit<Schemas['DeskBoard'], 'unaccepted' | 'overdue'> & {
  unaccepted: BoardUnacceptedTicket[];
  overdue: BoardOverdueTicket[];
};

/** An engineer's ticket due within the next hours, or already past due (`breached`). */
export type BoardDueTicket = WithPriority<Schemas['BoardDueTicket']>;
export type EngineerHome = Omit<Schemas['EngineerHome'], 'my_due_soon'> & { my_due_soon: BoardDueTicket[] };
export type TeamLoadRow = Schemas['ManagerHome']['team'][number];
export type ManagerHome = Omit<Schemas['ManagerHome'], 'satisfaction_this_month'> & {
  satisfaction_this_month: BoardSatisfaction | null;
};
export type RequesterHome = Schemas['RequesterHome'];

/** A part the caller's roles do not give is null (treated as missing too). */
export interface HomeBoard {
  generated_at?: string;
  roles?: string[];
  engineer?: EngineerHome | null;
  manager?: ManagerHome | null;
  requester?: RequesterHome | null;
}

/** A headline KPI of the month, as the KPI board has it (hitsm/dashboards/kpis.py). */
export type WallKpi = Kpi;

export type WallBoard = DeskBoard & {
  /** `YYYY-MM` of the KPIs and satisfaction. */
  period: string;
  kpis: WallKpi[];
  satisfaction: BoardSatisfaction | null;
};

export function createBoardEndpoints(client: HitsmClient) {
  return {
    async getDeskBoard(): Promise<DeskBoard> {
      return unwrap(await client.GET('/api/v1/boards/desk/')) as DeskBoard;
    },
    async getHomeBoard(): Promise<HomeBoard> {
      return unwrap(await client.GET('/api/v1/boards/home/')) as HomeBoard;
    },
    async getWallBoard(): Promise<WallBoard> {
      return unwrap(await client.GET('/api/v1/boards/wall/')) as unknown as WallBoard;
    },
  };
}

export type BoardEndpoints = ReturnType<typeof createBoardEndpoints>;

/** The board endpoints over a browser-configured client (the app's settings, like `api`). */
export const boardApi: BoardEndpoints = createBoardEndpoints(createHitsmClient());

export const { getDeskBoard, getHomeBoard, getWallBoard } = boardApi;
