import { getCiDiagram, listCiRelationsAmong, type CiDiagram, type CiDiagramDirection } from '@hitsm/api';
import { computed, ref, shallowRef, type Ref } from 'vue';

import { amongIds, edgesAmong, layoutDiagram, mergeDiagram } from './layout';

const EMPTY: CiDiagram = { nodes: [], edges: [], truncated: false };

/**
 * The diagram being explored: started from one CI, grown by expanding boxes (each expansion
 * fetches that CI's diagram at depth 1, merges it, and adds the relations between its new CIs
 * and those already drawn). A newer start discards answers to
 * expansions of the previous picture. The picture is at least `minContentWidth` wide (the
 * canvas's width on screen), so the bands span the page.
 */
export function useDiagram(minContentWidth: Ref<number>) {
  const diagram = shallowRef<CiDiagram>(EMPTY);
  const rootId = ref<number | null>(null);
  const expanded = ref<ReadonlySet<number>>(new Set());
  const busy = ref<ReadonlySet<number>>(new Set());
  const loading = ref(false);
  const layout = computed(() => layoutDiagram(diagram.value, { minContentWidth: minContentWidth.value }));
  const root = computed(() => diagram.value.nodes.find((node) => node.id === rootId.value) ?? null);
  let generation = 0;

  async function start(id: number, depth: number, direction: CiDiagramDirection = 'both'): Promise<void> {
    generation += 1;
    const mine = generation;
    loading.value = true;
    rootId.value = id;
    try {
      const answer = await getCiDiagram(id, { depth, direction });
      if (mine !== generation) return;
      diagram.value = answer;
      // boxes closer than `depth` were walked from: their neighbours are already shown
      expanded.value = new Set([id, ...answer.nodes.filter((n) => typeof n.depth === 'number' && n.depth < depth).map((n) => n.id)]);
      busy.value = new Set();
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function expand(id: number, direction: CiDiagramDirection): Promise<void> {
    if (expanded.value.has(id) || busy.value.has(id)) return;
    const mine = generation;
    busy.value = new Set([...busy.value, id]);
    try {
      const answer = await getCiDiagram(id, { depth: 1, direction });
      if (mine !== generation) return;
      const known = new Set(diagram.value.nodes.map((node) => node.id));
      const added = answer.nodes.filter((node) => !known.has(node.id)).map((node) => node.id);
      let merged = mergeDiagram(diagram.value, answer);
      // the answer lacks relations between its new CIs and those already drawn (db-his → srv-01
      // when vm-his brought srv-01 in); one look-up of the relations among all shown CIs adds them
      if (added.length) {
        const shown = new Set(merged.nodes.map((node) => node.id));
        const relations = await listCiRelationsAmong(amongIds(added, shown));
        if (mine !== generation) return;
        merged = mergeDiagram(merged, { nodes: [], edges: edgesAmong(relations, shown), truncated: false });
      }
      diagram.value = mergeDiagram(diagram.value, merged);
      expanded.value = new Set([...expanded.value, id]);
    } finally {
      if (mine === generation) busy.value = new Set([...busy.value].filter((other) => other !== id));
    }
  }

  function clear(): void {
    generation += 1;
    diagram.value = EMPTY;
    rootId.value = null;
    expanded.value = new Set();
    busy.value = new Set();
    loading.value = false;
  }

  return { diagram, layout, rootId, root, expanded, busy, loading, start, expand, clear };
}
