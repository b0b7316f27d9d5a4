/**
 * Our groups in bpmn-js-properties-panel. The standard provider keeps its "General" and
 * "Documentation" groups (name, id, process name …); everything it offers that the engine does
 * not run (multi-instance, messages, signals, timer cycles …) is dropped, and per element type
 * we add groups whose content is a Vue + Element Plus form (RACI pickers with user search,
 * the condition builder …) mounted into the panel by the designer (`hitsmSettingsHost`).
 */
import { Group } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useEffect, useRef } from '@bpmn-io/properties-panel/preact/hooks';
import type { Element } from 'bpmn-js/lib/model/Types';
import { useService } from 'bpmn-js-properties-panel';

import { KEPT_GROUPS, sectionsFor, type SettingsHost, type SettingsSection } from './sections';

export { KEPT_GROUPS, sectionsFor, type SettingsHost, type SettingsSection };

interface EntryProps {
  element: Element;
  id: string;
  section: SettingsSection;
}

/** A properties-panel entry (Preact) that hosts one Vue section. */
function VueSection(props: EntryProps) {
  const host = useService('hitsmSettingsHost') as SettingsHost;
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return undefined;
    return host.mount(container.current, props.element, props.section);
  }, [props.element, props.section]);
  return h('div', { ref: container, class: 'hitsm-settings', 'data-entry-id': props.id });
}

interface PanelGroup {
  id: string;
  label: string;
  component: unknown;
  entries: { id: string; component: unknown; section?: SettingsSection }[];
  shouldOpen?: boolean;
}

export class HitsmPropertiesProvider {
  static $inject = ['propertiesPanel', 'hitsmSettingsHost'];

  constructor(
    propertiesPanel: { registerProvider(priority: number, provider: unknown): void },
    private readonly host: SettingsHost,
  ) {
    // After the standard provider (1000), so its groups can be filtered.
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element: Element) {
    return (groups: PanelGroup[]): PanelGroup[] => [
      ...groups.filter((group) => KEPT_GROUPS.includes(group.id)),
      ...sectionsFor(element).map((section) => ({
        id: `hitsm-${section}`,
        label: this.host.label(section),
        component: Group,
        shouldOpen: true,
        entries: [{ id: `hitsm-${section}-entry`, component: VueSection, section }],
      })),
    ];
  }
}

export const propertiesModule = {
  __init__: ['hitsmPropertiesProvider'],
  hitsmPropertiesProvider: ['type', HitsmPropertiesProvider],
};
