/**
 * The OBASHI Business & IT diagram as geometry, computed without a graph library: one horizontal
 * band per layer, top to bottom (ownership → infrastructure; business data at the bottom when
 * any data CI is shown), each CI a box in its band, each relation a curve from the dependent CI to the one it
 * depends on. Boxes are ordered inside a band by the position of their neighbours (a few
 * barycentre sweeps), which keeps most arrows from crossing. Pure functions, unit-tested.
 */
import type { CiDiagram, CiDiagramEdge, CiGraphNode, CiRelation, ObashiLayer } from '@hitsm/api';

/** The six OBASHI bands that are always drawn; `data` joins them only when it has boxes. */
export const MAIN_BANDS: readonly ObashiLayer[] = ['ownership', 'business', 'application', 'system', 'hardware', 'infrastructure'];

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  gapX: number;
  gapY: number;
  /** Space above and below the boxes inside a band. */
  bandPadding: number;
  /** Height of a band without boxes. */
  emptyBandHeight: number;
  /** Width of the band titles on the left. */
  labelWidth: number;
  margin: number;
  maxPerRow: number;
  minContentWidth: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  nodeWidth: 176,
  nodeHeight: 50,
  gapX: 32,
  gapY: 24,
  bandPadding: 34,
  emptyBandHeight: 52,
  labelWidth: 104,
  margin: 16,
  maxPerRow: 7,
  minContentWidth: 720,
};

export interface Band {
  layer: ObashiLayer;
  y: number;
  height: number;
  count: number;
}

export interface PositionedNode {
  id: number;
  node: CiGraphNode;
  band: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RoutedEdge {
  id: number;
  edge: CiDiagramEdge;
  path: string;
  labelX: number;
  labelY: number;
  /** The data set for a data flow, otherwise the relation's name. */
  label: string;
  dataFlow: boolean;
}

export interface DiagramLayout {
  width: number;
  height: number;
  bands: Band[];
  nodes: PositionedNode[];
  edges: RoutedEdge[];
}

/** Which band a layer is drawn in; unknown layers go to the data band. */
export function bandLayers(nodes: readonly Pick<CiGraphNode, 'layer'>[]): ObashiLayer[] {
  const hasData = nodes.some((node) => !MAIN_BANDS.includes(node.layer));
  return hasData ? [...MAIN_BANDS, 'data'] : [...MAIN_BANDS];
}

function bandOf(layers: readonly ObashiLayer[], layer: ObashiLayer): number {
  const index = layers.indexOf(layer);
  return index >= 0 ? index : layers.length - 1;
}

const byName = (a: CiGraphNode, b: CiGraphNode): number => a.name.localeCompare(b.name, 'zh-CN') || a.id - b.id;

/** x of the centre of slot `index` in a band of `count` boxes, rows centred in the content area. */
function slotCentre(index: number, count: number, contentWidth: number, o: LayoutOptions): { cx: number; row: number } {
  const perRow = Math.max(1, Math.min(o.maxPerRow, count));
  const row = Math.floor(index / perRow);
  const inRow = Math.min(perRow, count - row * perRow);
  const column = index % perRow;
  const rowWidth = inRow * o.nodeWidth + (inRow - 1) * o.gapX;
  const left = o.margin + o.labelWidth + (contentWidth - rowWidth) / 2;
  return { cx: left + column * (o.nodeWidth + o.gapX) + o.nodeWidth / 2, row };
}

/**
 * Order the boxes of each band: by name first, then sweeps that sort each band by the mean
 * x of its neighbours in the bands already placed (down), then in the bands below (up).
 */
export function orderBands(
  bands: CiGraphNode[][],
  edges: readonly Pick<CiDiagramEdge, 'source' | 'target'>[],
  contentWidth: number,
  o: LayoutOptions = DEFAULT_LAYOUT,
  sweeps = 2,
): CiGraphNode[][] {
  const order = bands.map((band) => [...band].sort(byName));
  const bandIndex = new Map<number, number>();
  order.forEach((band, index) => band.forEach((node) => bandIndex.set(node.id, index)));
  const neighbours = new Map<number, number[]>();
  for (const edge of edges) {
    if (!bandIndex.has(edge.source) || !bandIndex.has(edge.target)) continue;
    neighbours.set(edge.source, [...(neighbours.get(edge.source) ?? []), edge.target]);
    neighbours.set(edge.target, [...(neighbours.get(edge.target) ?? []), edge.source]);
  }
  const centre = (): Map<number, number> => {
    const x = new Map<number, number>();
    order.forEach((band) => band.forEach((node, index) => x.set(node.id, slotCentre(index, band.length, contentWidth, o).cx)));
    return x;
  };
  const sortBand = (index: number, fromAbove: boolean): void => {
    const x = centre();
    const band = order[index] as CiGraphNode[];
    const keyed = band.map((node, position) => {
      const others = (neighbours.get(node.id) ?? []).filter((id) => {
        const other = bandIndex.get(id) as number;
        return fromAbove ? other < index : other > index;
      });
      const key = others.length ? others.reduce((sum, id) => sum + (x.get(id) ?? 0), 0) / others.length : null;
      return { node, key, position };
    });
    // boxes without neighbours on that side keep their place relative to each other, at the end
    keyed.sort((a, b) => {
      if (a.key === null && b.key === null) return a.position - b.position;
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      return a.key - b.key || a.position - b.position;
    });
    order[index] = keyed.map((entry) => entry.node);
  };
  for (let sweep = 0; sweep < sweeps; sweep += 1) {
    for (let index = 1; index < order.length; index += 1) sortBand(index, true);
    for (let index = order.length - 2; index >= 0; index -= 1) sortBand(index, false);
  }
  return order;
}

function cubicMid(p0: number, p1: number, p2: number, p3: number): number {
  return (p0 + 3 * p1 + 3 * p2 + p3) / 8;
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** A curve from the dependent box to the box it depends on, with its label point. */
export function routeEdge(
  source: PositionedNode,
  target: PositionedNode,
  offset = 0,
): { path: string; labelX: number; labelY: number } {
  const sx = source.x + source.width / 2;
  const tx = target.x + target.width / 2;
  if (source.band === target.band && source.y === target.y) {
    // same row (a data flow between applications): a low arc over the boxes, leaving their top
    // centres free for the arrows that come down from the band above
    const y = source.y;
    const toward = tx > sx ? 1 : -1;
    const x0 = sx + toward * source.width * 0.3;
    const x1 = tx - toward * target.width * 0.3;
    const lift = Math.min(46, 30 + Math.abs(x1 - x0) * 0.08) + offset;
    const c1 = { x: x0, y: y - lift };
    const c2 = { x: x1, y: y - lift };
    return {
      path: `M ${round(x0)} ${round(y)} C ${round(c1.x)} ${round(c1.y)} ${round(c2.x)} ${round(c2.y)} ${round(x1)} ${round(y)}`,
      labelX: round(cubicMid(x0, c1.x, c2.x, x1)),
      labelY: round(cubicMid(y, c1.y, c2.y, y)),
    };
  }
  const down = target.y > source.y;
  const sy = down ? source.y + source.height : source.y;
  const ty = down ? target.y : target.y + target.height;
  const bend = (ty - sy) / 2;
  const c1 = { x: sx + offset, y: sy + bend };
  const c2 = { x: tx + offset, y: ty - bend };
  return {
    path: `M ${round(sx)} ${round(sy)} C ${round(c1.x)} ${round(c1.y)} ${round(c2.x)} ${round(c2.y)} ${round(tx)} ${round(ty)}`,
    labelX: round(cubicMid(sx, c1.x, c2.x, tx)),
    labelY: round(cubicMid(sy, c1.y, c2.y, ty)),
  };
}

export function layoutDiagram(diagram: CiDiagram, options: Partial<LayoutOptions> = {}): DiagramLayout {
  const o: LayoutOptions = { ...DEFAULT_LAYOUT, ...options };
  const layers = bandLayers(diagram.nodes);
  const grouped: CiGraphNode[][] = layers.map(() => []);
  for (const node of diagram.nodes) grouped[bandOf(layers, node.layer)]?.push(node);

  const widest = Math.max(1, ...grouped.map((band) => Math.min(o.maxPerRow, band.length)));
  const contentWidth = Math.max(o.minContentWidth, widest * o.nodeWidth + (widest - 1) * o.gapX);
  const ordered = orderBands(grouped, diagram.edges, contentWidth, o);

  const bands: Band[] = [];
  const nodes: PositionedNode[] = [];
  let y = o.margin;
  ordered.forEach((band, index) => {
    const perRow = Math.max(1, Math.min(o.maxPerRow, band.length));
    const rows = Math.ceil(band.length / perRow);
    const height = band.length
      ? o.bandPadding * 2 + rows * o.nodeHeight + (rows - 1) * o.gapY
      : o.emptyBandHeight;
    bands.push({ layer: layers[index] as ObashiLayer, y, height, count: band.length });
    band.forEach((node, position) => {
      const { cx, row } = slotCentre(position, band.length, contentWidth, o);
      nodes.push({
        id: node.id,
        node,
        band: index,
        x: cx - o.nodeWidth / 2,
        y: y + o.bandPadding + row * (o.nodeHeight + o.gapY),
        width: o.nodeWidth,
        height: o.nodeHeight,
      });
    });
    y += height;
  });

  const byId = new Map(nodes.map((node) => [node.id, node]));
  const siblings = new Map<string, number>();
  const edges: RoutedEdge[] = [];
  for (const edge of [...diagram.edges].sort((a, b) => a.id - b.id)) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const pair = [edge.source, edge.target].sort((a, b) => a - b).join('-');
    const nth = siblings.get(pair) ?? 0;
    siblings.set(pair, nth + 1);
    // parallel relations between the same two boxes fan out instead of overlapping
    const offset = nth === 0 ? 0 : (nth % 2 === 1 ? 1 : -1) * Math.ceil(nth / 2) * 22;
    edges.push({
      id: edge.id,
      edge,
      ...routeEdge(source, target, offset),
      label: edge.data_flow ? (edge.data_set ?? edge.type_name) : edge.type_name,
      dataFlow: edge.data_flow,
    });
  }

  return { width: o.margin * 2 + o.labelWidth + contentWidth, height: y + o.margin, bands, nodes, edges };
}

/** Add a diagram fetched around another CI; what is already shown keeps its data. */
export function mergeDiagram(current: CiDiagram, incoming: CiDiagram): CiDiagram {
  const nodes = new Map(current.nodes.map((node) => [node.id, node]));
  for (const node of incoming.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
  const edges = new Map(current.edges.map((edge) => [edge.id, edge]));
  for (const edge of incoming.edges) if (!edges.has(edge.id)) edges.set(edge.id, edge);
  return { nodes: [...nodes.values()], edges: [...edges.values()], truncated: current.truncated || incoming.truncated };
}

const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/** Width of text in half-em units: CJK characters count two, others one. */
export function textUnits(text: string): number {
  let units = 0;
  for (const char of text) units += WIDE.test(char) ? 2 : 1;
  return units;
}

/**
 * Relations (as `relations/?among=` lists them) whose both ends are shown, as diagram edges.
 * An expansion's answer only holds the relations among its own CIs; a new CI's relations to
 * CIs that were already on the page come from here.
 */
export function edgesAmong(relations: readonly CiRelation[], shown: ReadonlySet<number>): CiDiagramEdge[] {
  return relations
    .filter((r) => shown.has(r.source.id) && shown.has(r.target.id))
    .map((r) => ({
      id: r.id,
      source: r.source.id,
      target: r.target.id,
      type: r.type.code,
      type_name: r.type.name,
      data_flow: Boolean(r.type.is_data_flow),
      data_set: r.data_set?.name ?? null,
    }));
}

/**
 * At most this many CIs go to `relations/?among=` after an expansion, which keeps the URL short;
 * the server's own diagram stops at 400 CIs as well.
 */
export const AMONG_LIMIT = 400;

/** The CIs whose mutual relations an expansion asks for: the new ones first, then those shown. */
export function amongIds(added: readonly number[], shown: Iterable<number>, limit = AMONG_LIMIT): number[] {
  return [...new Set([...added, ...shown])].slice(0, limit);
}

/** Shorten text to fit a box (see {@link textUnits}). */
export function clipText(text: string, maxUnits: number): string {
  let units = 0;
  let out = '';
  for (const char of text) {
    const width = WIDE.test(char) ? 2 : 1;
    if (units + width > maxUnits) return `${out.replace(/\s+$/, '')}…`;
    units += width;
    out += char;
  }
  return out;
}
