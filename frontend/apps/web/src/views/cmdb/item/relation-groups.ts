import type { CiRef, CiRelation, CiRelationType } from '@hitsm/api';

export interface RelationRow {
  relation: CiRelation;
  /** The CI at the other end. */
  other: CiRef;
}

export interface RelationGroup {
  type: CiRelationType;
  /** `name` for what this CI depends on, `reverse_name` for what depends on it. */
  label: string;
  rows: RelationRow[];
}

export interface GroupedRelations {
  /** This CI is the source: it depends on the others (HIS runs on vm-his). */
  outgoing: RelationGroup[];
  /** This CI is the target: the others depend on it. */
  incoming: RelationGroup[];
  /** Data flows that carry this CI as their business data. */
  carried: CiRelation[];
}

function grouped(rows: { relation: CiRelation; other: CiRef }[], label: (type: CiRelationType) => string): RelationGroup[] {
  const groups = new Map<number, RelationGroup>();
  for (const row of rows) {
    const type = row.relation.type;
    const group = groups.get(type.id) ?? { type, label: label(type), rows: [] };
    group.rows.push(row);
    groups.set(type.id, group);
  }
  return [...groups.values()]
    .sort((a, b) => (a.type.sort_order ?? 0) - (b.type.sort_order ?? 0) || a.type.id - b.type.id)
    .map((group) => ({ ...group, rows: group.rows.sort((a, b) => a.other.name.localeCompare(b.other.name, 'zh-CN')) }));
}

/** A CI's relations by direction, then by type in the types' order. */
export function groupRelations(relations: readonly CiRelation[], itemId: number): GroupedRelations {
  const outgoing = relations.filter((r) => r.source.id === itemId).map((relation) => ({ relation, other: relation.target }));
  const incoming = relations.filter((r) => r.target.id === itemId).map((relation) => ({ relation, other: relation.source }));
  return {
    outgoing: grouped(outgoing, (type) => type.name),
    incoming: grouped(incoming, (type) => type.reverse_name),
    carried: relations.filter((r) => r.data_set?.id === itemId && r.source.id !== itemId && r.target.id !== itemId),
  };
}
