/**
 * Where a process instance stands, as diagram markers: nodes done, current (a ready task or a
 * waiting timer) and still possible; a sequence flow counts as taken when it leaves a done node
 * for a done or current one. A node current again (a loop) shows as current.
 */
import type { WorkflowTrail } from '@hitsm/api';

export type TrailMarker = 'wf-done' | 'wf-current' | 'wf-future';

export interface FlowRef {
  id: string;
  source: string;
  target: string;
}

export function trailMarkers(trail: WorkflowTrail, nodes: readonly string[], flows: readonly FlowRef[]): { id: string; marker: TrailMarker }[] {
  const known = new Set(nodes);
  const current = new Set(trail.current.filter((id) => known.has(id)));
  const done = new Set(trail.completed.filter((id) => known.has(id) && !current.has(id)));
  const future = new Set(trail.future.filter((id) => known.has(id) && !current.has(id) && !done.has(id)));
  const marks: { id: string; marker: TrailMarker }[] = [
    ...[...done].map((id) => ({ id, marker: 'wf-done' as const })),
    ...[...current].map((id) => ({ id, marker: 'wf-current' as const })),
    ...[...future].map((id) => ({ id, marker: 'wf-future' as const })),
  ];
  for (const flow of flows) {
    if (done.has(flow.source) && (done.has(flow.target) || current.has(flow.target))) marks.push({ id: flow.id, marker: 'wf-done' });
  }
  return marks;
}
