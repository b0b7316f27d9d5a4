import {
  listCiClasses,
  listRelationTypes,
  type CiAttributeType,
  type CiClass,
  type CiRelationType,
  type CiStatus,
  type ObashiLayer,
} from '@hitsm/api';
import { ref, type Ref } from 'vue';

/** OBASHI layers top to bottom, as the B&IT diagram draws them (business data last). */
export const LAYERS: readonly ObashiLayer[] = [
  'ownership',
  'business',
  'application',
  'system',
  'hardware',
  'infrastructure',
  'data',
];

/** One colour per layer, used by tags, the diagram's boxes and its PNG export. */
export const LAYER_COLORS: Readonly<Record<ObashiLayer, string>> = {
  ownership: '#6d4c9f',
  business: '#1f7a4d',
  application: '#0e7c86',
  system: '#2f6fb3',
  hardware: '#8a5a2b',
  infrastructure: '#5b6b7b',
  data: '#b86e00',
};

export const CI_STATUSES: readonly CiStatus[] = ['planned', 'in_use', 'maintenance', 'retired'];

export const ATTRIBUTE_TYPES: readonly CiAttributeType[] = [
  'text',
  'integer',
  'decimal',
  'boolean',
  'date',
  'choice',
  'ip_address',
  'url',
];

const classes = ref<CiClass[]>([]);
const relationTypes = ref<CiRelationType[]>([]);
let classesLoad: Promise<void> | null = null;
let typesLoad: Promise<void> | null = null;

/** Every CI class with its attributes, read once per page load; `reload` after an admin edit. */
export function useCiClasses(): { classes: Ref<CiClass[]>; ready: Promise<void>; reload: () => Promise<void> } {
  const load = (): Promise<void> =>
    listCiClasses()
      .then((items) => {
        classes.value = items;
      })
      .catch((error: unknown) => {
        classesLoad = null;
        throw error;
      });
  classesLoad ??= load();
  return {
    classes,
    ready: classesLoad,
    reload: () => {
      classesLoad = load();
      return classesLoad;
    },
  };
}

export function useRelationTypes(): { relationTypes: Ref<CiRelationType[]>; ready: Promise<void> } {
  typesLoad ??= listRelationTypes()
    .then((items) => {
      relationTypes.value = items;
    })
    .catch((error: unknown) => {
      typesLoad = null;
      throw error;
    });
  return { relationTypes, ready: typesLoad };
}

/** Forget the cached reference data (tests). */
export function resetCmdbReference(): void {
  classes.value = [];
  relationTypes.value = [];
  classesLoad = null;
  typesLoad = null;
}

/** Classes grouped by layer in diagram order, for grouped selects. */
export function classesByLayer(items: readonly CiClass[]): { layer: ObashiLayer; classes: CiClass[] }[] {
  return LAYERS.map((layer) => ({ layer, classes: items.filter((item) => item.layer === layer) })).filter(
    (group) => group.classes.length > 0,
  );
}
