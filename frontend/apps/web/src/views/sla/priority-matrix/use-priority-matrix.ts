/**
 * The priority matrix as the server applies it (hitsm/sla/selectors.py `priority_for`): a
 * ticket's impact (rows) and urgency (columns) give its priority P1–P5. The page
 * edits a draft (cell → priority) and sends the whole matrix at once; the server answers every
 * cell with its default (`default_priority`), so the default is never copied here.
 */
import type { FieldErrors, PriorityMatrix, PriorityMatrixInput, TicketImpact, TicketPriority, TicketUrgency } from '@hitsm/api';

export const LEVELS = [1, 2, 3] as const;
export const PRIORITIES: readonly TicketPriority[] = [1, 2, 3, 4, 5];

/** `"2-3"`: impact 2 × urgency 3. */
export type CellKey = `${number}-${number}`;
export type Draft = Record<CellKey, TicketPriority>;

export function cellKey(impact: number, urgency: number): CellKey {
  return `${impact}-${urgency}`;
}

/** The draft a page starts from: the matrix as saved. */
export function draftOf(matrix: PriorityMatrix): Draft {
  const draft: Draft = {};
  for (const cell of matrix.cells) draft[cellKey(cell.impact, cell.urgency)] = cell.priority;
  return draft;
}

/** The draft when every cell goes back to its default (what "reset" would save). */
export function defaultDraft(matrix: PriorityMatrix): Draft {
  const draft: Draft = {};
  for (const cell of matrix.cells) draft[cellKey(cell.impact, cell.urgency)] = cell.default_priority;
  return draft;
}

export interface GridCell {
  key: CellKey;
  impact: TicketImpact;
  urgency: TicketUrgency;
  /** As edited. */
  priority: TicketPriority;
  saved: TicketPriority;
  default: TicketPriority;
  /** Edited and not saved yet. */
  changed: boolean;
  /** Differs from the shipped default (as edited). */
  custom: boolean;
}

export interface GridRow {
  impact: TicketImpact;
  cells: GridCell[];
}

/** Rows by impact (high → low), each with its cells by urgency (high → low). */
export function gridRows(matrix: PriorityMatrix, draft: Draft): GridRow[] {
  return LEVELS.map((impact) => ({
    impact,
    cells: LEVELS.flatMap((urgency) => {
      const cell = matrix.cells.find((c) => c.impact === impact && c.urgency === urgency);
      if (!cell) return [];
      const key = cellKey(impact, urgency);
      const priority = draft[key] ?? cell.priority;
      return [
        {
          key,
          impact,
          urgency,
          priority,
          saved: cell.priority,
          default: cell.default_priority,
          changed: priority !== cell.priority,
          custom: priority !== cell.default_priority,
        },
      ];
    }),
  }));
}

/** How many cells the draft changes against what is saved. */
export function changedCount(matrix: PriorityMatrix, draft: Draft): number {
  return matrix.cells.filter((cell) => (draft[cellKey(cell.impact, cell.urgency)] ?? cell.priority) !== cell.priority).length;
}

/** How many cells differ from the default, as edited. */
export function customCount(matrix: PriorityMatrix, draft: Draft): number {
  return matrix.cells.filter((cell) => (draft[cellKey(cell.impact, cell.urgency)] ?? cell.priority) !== cell.default_priority).length;
}

/** The PUT body: every cell, in the server's order (so its `cells.N` errors point back here). */
export function matrixPayload(matrix: PriorityMatrix, draft: Draft): PriorityMatrixInput {
  return {
    cells: matrix.cells.map((cell) => ({
      impact: cell.impact,
      urgency: cell.urgency,
      priority: draft[cellKey(cell.impact, cell.urgency)] ?? cell.priority,
    })),
  };
}

export interface MatrixErrors {
  /** The first message for a cell, from `cells.N.priority` (N: its place in the payload). */
  byCell: Partial<Record<CellKey, string>>;
  /** Messages about the matrix as a whole (a missing or repeated cell). */
  other: string[];
}

export function matrixErrors(fields: FieldErrors, payload: PriorityMatrixInput): MatrixErrors {
  const byCell: Partial<Record<CellKey, string>> = {};
  const other: string[] = [];
  for (const [field, messages] of Object.entries(fields)) {
    const text = messages.join(' ');
    if (!text) continue;
    const match = /^cells\.(\d+)\./.exec(field);
    const cell = match ? payload.cells[Number(match[1])] : undefined;
    if (cell) {
      const key = cellKey(cell.impact, cell.urgency);
      byCell[key] = byCell[key] ? `${byCell[key]} ${text}` : text;
    } else other.push(text);
  }
  return { byCell, other };
}
