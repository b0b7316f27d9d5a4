/**
 * Which of our properties-panel sections an element gets, and the standard groups kept; apart
 * from the panel's Preact code (modeler/properties.ts) so it can be tested on its own.
 */
import type { Element } from 'bpmn-js/lib/model/Types';

import { isGatewayFlow, isType, messageDefinition, timerDefinition } from './writer';

export type SettingsSection = 'raci' | 'task' | 'fields' | 'action' | 'condition' | 'timer' | 'lane' | 'call' | 'message';

/** What the designer provides: mounts a section's Vue form, returns how to unmount it. */
export interface SettingsHost {
  mount(container: HTMLElement, element: Element, section: SettingsSection): () => void;
  label(section: SettingsSection): string;
}

/** Standard groups kept (by id). */
export const KEPT_GROUPS = ['general', 'documentation'];

/** Our sections for one element, in panel order. */
export function sectionsFor(element: Element): SettingsSection[] {
  if (isType(element, 'bpmn:UserTask')) return ['raci', 'task', 'fields'];
  if (isType(element, 'bpmn:ServiceTask')) return ['action'];
  if (isType(element, 'bpmn:CallActivity')) return ['call'];
  if (isType(element, 'bpmn:Lane')) return ['lane'];
  if (isGatewayFlow(element)) return ['condition'];
  if ((isType(element, 'bpmn:BoundaryEvent') || isType(element, 'bpmn:IntermediateCatchEvent')) && timerDefinition(element)) return ['timer'];
  if (isType(element, 'bpmn:Event') && messageDefinition(element)) return ['message'];
  return [];
}
