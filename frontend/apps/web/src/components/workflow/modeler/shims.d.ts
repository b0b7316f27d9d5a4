// The properties panel packages ship no type declarations; only what the designer uses is typed.
declare module 'bpmn-js-properties-panel' {
  import type { ModuleDeclaration } from 'didi';

  export const BpmnPropertiesPanelModule: ModuleDeclaration;
  export const BpmnPropertiesProviderModule: ModuleDeclaration;
  /** A diagram service from inside a properties panel component. */
  export function useService(name: string, strict?: boolean): unknown;
}

declare module '@bpmn-io/properties-panel' {
  /** The collapsible group component of the panel (a Preact component). */
  export const Group: unknown;
}

// bpmn-js's own moddle (a dependency of bpmn-js), used directly by the unit tests.
declare module 'bpmn-moddle' {
  import type { ModdleElement } from 'bpmn-js/lib/model/Types';

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string): Promise<{ rootElement: ModdleElement; warnings: unknown[] }>;
    toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
  }
}
