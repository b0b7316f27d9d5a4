import type { CiDiagram, CiDiagramEdge, CiGraphNode, CiRef, CiRelation, ObashiLayer } from '@hitsm/api';
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_LAYOUT,
  MAIN_BANDS,
  amongIds,
  bandLayers,
  clipText,
  edgesAmong,
  layoutDiagram,
  mergeDiagram,
  routeEdge,
  textUnits,
  type PositionedNode,
} from '@/views/cmdb/diagram/layout';

function node(id: number, name: string, layer: ObashiLayer, extra: Partial<CiGraphNode> = {}): CiGraphNode {
  return {
    id,
    code: name.toLowerCase(),
    name,
    status: 'in_use',
    class_code: layer,
    class_name: layer,
    layer,
    icon: 'Box',
    clinical_critical: false,
    owner_department: null,
    depth: 0,
    ...extra,
  };
}

function edge(id: number, source: number, target: number, extra: Partial<CiDiagramEdge> = {}): CiDiagramEdge {
  return { id, source, target, type: 'uses', type_name: '使用', data_flow: false, data_set: null, ...extra };
}

/** The hospital slice of the backend tests: 门诊部 owns 门诊挂号, which uses HIS, on vm-his … */
const HOSPITAL: CiDiagram = {
  nodes: [
    node(1, '门诊部', 'ownership'),
    node(2, '门诊挂号', 'business'),
    node(3, 'HIS', 'application', { clinical_critical: true }),
    node(4, 'LIS', 'application'),
    node(5, 'vm-his', 'system'),
    node(6, 'srv-01', 'hardware'),
    node(7, 'sw-core', 'infrastructure'),
  ],
  edges: [
    edge(10, 1, 2, { type: 'owns', type_name: '拥有' }),
    edge(11, 2, 3),
    edge(12, 3, 5, { type: 'runs_on', type_name: '运行于' }),
    edge(13, 5, 6, { type: 'hosted_in', type_name: '位于' }),
    edge(14, 6, 7, { type: 'connected_to', type_name: '连接' }),
    edge(15, 3, 4, { type: 'data_flow', type_name: '数据流', data_flow: true, data_set: '检验申请' }),
  ],
  truncated: false,
};

const byId = (nodes: PositionedNode[]) => new Map(nodes.map((n) => [n.id, n]));

describe('layoutDiagram', () => {
  it('draws the six OBASHI bands top to bottom, every CI inside its own band', () => {
    const layout = layoutDiagram(HOSPITAL);
    expect(layout.bands.map((b) => b.layer)).toEqual(['ownership', 'business', 'application', 'system', 'hardware', 'infrastructure']);
    for (let i = 1; i < layout.bands.length; i += 1) {
      const above = layout.bands[i - 1]!;
      expect(layout.bands[i]!.y).toBe(above.y + above.height);
    }
    for (const positioned of layout.nodes) {
      const band = layout.bands[positioned.band]!;
      expect(band.layer).toBe(positioned.node.layer);
      expect(positioned.y).toBeGreaterThanOrEqual(band.y);
      expect(positioned.y + positioned.height).toBeLessThanOrEqual(band.y + band.height);
    }
    expect(layout.height).toBe(layout.bands.at(-1)!.y + layout.bands.at(-1)!.height + DEFAULT_LAYOUT.margin);
  });

  it('keeps empty bands so the ladder is always complete, and adds business data only when shown', () => {
    const onlyApps = layoutDiagram({ nodes: [node(1, 'HIS', 'application')], edges: [], truncated: false });
    expect(onlyApps.bands.map((b) => b.layer)).toEqual([...MAIN_BANDS]);
    expect(onlyApps.bands.find((b) => b.layer === 'business')?.height).toBe(DEFAULT_LAYOUT.emptyBandHeight);
    expect(bandLayers([{ layer: 'data' }])).toEqual([...MAIN_BANDS, 'data']);
    const withData = layoutDiagram({ nodes: [node(1, '检验申请', 'data')], edges: [], truncated: false });
    expect(withData.bands.at(-1)?.layer).toBe('data');
    expect(withData.nodes[0]?.band).toBe(withData.bands.length - 1);
  });

  it('routes dependencies downward from the dependent CI to the one it depends on', () => {
    const layout = layoutDiagram(HOSPITAL);
    const nodes = byId(layout.nodes);
    const uses = layout.edges.find((e) => e.id === 11)!;
    const [start, end] = [uses.path.split(' ').slice(1, 3).map(Number), uses.path.split(' ').slice(-2).map(Number)];
    const registration = nodes.get(2)!;
    const his = nodes.get(3)!;
    expect(start).toEqual([registration.x + registration.width / 2, registration.y + registration.height]);
    expect(end).toEqual([his.x + his.width / 2, his.y]);
    expect(uses.label).toBe('使用');
    expect(uses.dataFlow).toBe(false);
  });

  it('labels a data flow with the business data it carries and arcs it over the application band', () => {
    const layout = layoutDiagram(HOSPITAL);
    const flow = layout.edges.find((e) => e.id === 15)!;
    expect(flow.dataFlow).toBe(true);
    expect(flow.label).toBe('检验申请');
    const his = byId(layout.nodes).get(3)!;
    expect(flow.labelY).toBeLessThan(his.y);
  });

  it('orders a band by its neighbours so that parallel stacks do not cross', () => {
    // two applications, each on its own VM; the VMs' names alone would swap them
    const diagram: CiDiagram = {
      nodes: [node(1, 'A-app', 'application'), node(2, 'B-app', 'application'), node(3, 'z-vm', 'system'), node(4, 'a-vm', 'system')],
      edges: [edge(1, 1, 3), edge(2, 2, 4)],
      truncated: false,
    };
    const nodes = byId(layoutDiagram(diagram).nodes);
    expect(nodes.get(1)!.x).toBeLessThan(nodes.get(2)!.x);
    expect(nodes.get(3)!.x).toBeLessThan(nodes.get(4)!.x);
  });

  it('wraps a crowded band into rows instead of growing wider than the row limit', () => {
    const vms = Array.from({ length: 10 }, (_, i) => node(i + 1, `vm-${String(i).padStart(2, '0')}`, 'system'));
    const layout = layoutDiagram({ nodes: vms, edges: [], truncated: false });
    const rows = new Set(layout.nodes.map((n) => n.y));
    expect(rows.size).toBe(2);
    const perRow = DEFAULT_LAYOUT.maxPerRow;
    expect(layout.width).toBe(
      DEFAULT_LAYOUT.margin * 2 + DEFAULT_LAYOUT.labelWidth + perRow * DEFAULT_LAYOUT.nodeWidth + (perRow - 1) * DEFAULT_LAYOUT.gapX,
    );
    // boxes never overlap
    const boxes = layout.nodes;
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.node.name} / ${b.node.name}`).toBe(true);
      }
    }
  });

  it('fans out parallel relations between the same two CIs and skips edges to CIs not shown', () => {
    const diagram: CiDiagram = {
      nodes: [node(1, 'HIS', 'application'), node(2, 'LIS', 'application')],
      edges: [
        edge(1, 1, 2, { data_flow: true, data_set: '检验申请' }),
        edge(2, 1, 2, { data_flow: true, data_set: '检验报告' }),
        edge(3, 1, 99),
      ],
      truncated: false,
    };
    const layout = layoutDiagram(diagram);
    expect(layout.edges.map((e) => e.id)).toEqual([1, 2]);
    expect(layout.edges[0]!.path).not.toBe(layout.edges[1]!.path);
    expect(layout.edges[0]!.labelY).not.toBe(layout.edges[1]!.labelY);
  });
});

describe('routeEdge', () => {
  const box = (id: number, band: number, x: number, y: number): PositionedNode => ({
    id,
    node: node(id, `n${id}`, 'system'),
    band,
    x,
    y,
    width: 100,
    height: 40,
  });

  it('goes up from the top of the source when the target lies above', () => {
    const { path } = routeEdge(box(1, 3, 0, 300), box(2, 1, 0, 100));
    expect(path.startsWith('M 50 300 ')).toBe(true);
    expect(path.endsWith(' 50 140')).toBe(true);
  });
});

describe('mergeDiagram', () => {
  it('adds what an expansion found without duplicating what is already shown', () => {
    const first: CiDiagram = { nodes: [node(2, '门诊挂号', 'business'), node(3, 'HIS', 'application')], edges: [edge(11, 2, 3)], truncated: false };
    const expansion: CiDiagram = {
      nodes: [node(3, 'HIS', 'application', { depth: 0 }), node(5, 'vm-his', 'system', { depth: 1 })],
      edges: [edge(11, 2, 3), edge(12, 3, 5)],
      truncated: true,
    };
    const merged = mergeDiagram(first, expansion);
    expect(merged.nodes.map((n) => n.id)).toEqual([2, 3, 5]);
    expect(merged.edges.map((e) => e.id)).toEqual([11, 12]);
    expect(merged.truncated).toBe(true);
    expect(merged.nodes.find((n) => n.id === 3)).toBe(first.nodes[1]);
  });
});

describe('clipText', () => {
  it('counts Chinese characters double and ends a shortened text with an ellipsis', () => {
    expect(textUnits('HIS 系统')).toBe(8);
    expect(clipText('vm-his-01', 18)).toBe('vm-his-01');
    expect(clipText('门诊医生工作站应用服务器集群', 10)).toBe('门诊医生工…');
    expect(clipText('abc def', 4)).toBe('abc…');
  });
});

describe('edgesAmong', () => {
  const ref = (id: number, name: string): CiRef => ({ id, code: name, name, ci_class: { id: 1, code: 'x', name: 'x', layer: 'system' } });
  const relation = (id: number, source: CiRef, target: CiRef, flow = false, dataSet: CiRef | null = null): CiRelation => ({
    id,
    source,
    target,
    type: { id: flow ? 8 : 4, code: flow ? 'data_flow' : 'runs_on', name: flow ? '数据流' : '运行于', reverse_name: '', is_data_flow: flow },
    data_set: dataSet,
    description: '',
    created_at: '2026-03-02T08:00:00+08:00',
  });

  it('turns relations between shown CIs into edges and drops those reaching outside', () => {
    const [db, server, rack, his, lis, request] = [ref(1, 'db-his'), ref(2, 'srv-01'), ref(3, 'rack'), ref(4, 'HIS'), ref(5, 'LIS'), ref(9, '检验申请')];
    const edges = edgesAmong(
      [relation(20, db, server), relation(21, server, rack), relation(22, his, lis, true, request)],
      new Set([1, 2, 4, 5]),
    );
    expect(edges).toEqual([
      { id: 20, source: 1, target: 2, type: 'runs_on', type_name: '运行于', data_flow: false, data_set: null },
      { id: 22, source: 4, target: 5, type: 'data_flow', type_name: '数据流', data_flow: true, data_set: '检验申请' },
    ]);
  });
});

describe('amongIds', () => {
  it('asks for the new CIs first, then those already shown, each once and within the limit', () => {
    expect(amongIds([6, 7], new Set([1, 2, 6, 7]))).toEqual([6, 7, 1, 2]);
    expect(amongIds([6, 7], [1, 2, 3], 3)).toEqual([6, 7, 1]);
  });
});
