/**
 * What the process viewer lists under the diagram: the steps people worked on and the messages
 * the process sent to or received from the processes of related tickets, in the order they
 * happened; and what the current steps wait for (a message catch event waits for the message
 * named in `waiting_for`). Pure functions, unit tested.
 */
import type { WorkflowMessage, WorkflowTask } from '@hitsm/api';

export type HistoryRow = { kind: 'task'; id: string; at: string; task: WorkflowTask } | { kind: 'message'; id: string; at: string; message: WorkflowMessage };

/** When a task entered the history: when it opened (its row stays where the work began). */
function taskTime(task: WorkflowTask): string {
  return task.created_at ?? task.completed_at ?? '';
}

/** Tasks and messages by time; equal times keep tasks first, then the server's order (a stable sort). */
export function historyRows(tasks: readonly WorkflowTask[], messages: readonly WorkflowMessage[]): HistoryRow[] {
  const rows: HistoryRow[] = [
    ...tasks.map((task) => ({ kind: 'task' as const, id: `task-${task.id}`, at: taskTime(task), task })),
    ...messages.map((message, index) => ({ kind: 'message' as const, id: `message-${index}`, at: message.created_at, message })),
  ];
  const time = (value: string) => {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? Number.MAX_SAFE_INTEGER : parsed;
  };
  return rows.sort((a, b) => time(a.at) - time(b.at));
}

/**
 * The badge over each current node: a message catch event the process waits at shows the
 * message it waits for, any other current node just "current". `messageOf` gives the message
 * name a node waits for (from the diagram), null for other nodes.
 */
export function currentBadges(
  current: readonly string[],
  waitingFor: readonly string[],
  messageOf: (id: string) => string | null,
): { id: string; message: string | null }[] {
  const waiting = new Set(waitingFor);
  return current.map((id) => {
    const message = messageOf(id);
    return { id, message: message && waiting.has(message) ? message : null };
  });
}
