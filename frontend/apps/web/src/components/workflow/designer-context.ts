/**
 * What the designer's Vue sections inside the properties panel share: the writer over the
 * modeler, the choice lists loaded from the API, and a change signal (edits, undo, import), so a
 * section re-reads its element whenever the diagram changes.
 */
import type { WorkflowAction } from '@hitsm/api';
import { onBeforeUnmount, ref, type Ref } from 'vue';

import type { ProcessMessageUse } from './bpmn-model';
import type { BpmnWriter } from './modeler/writer';

export interface RefOption {
  value: string;
  label: string;
  hint?: string;
}

/** A field of a bound catalog item's published form (conditions and field rights name them). */
export interface FormFieldOption {
  key: string;
  label: string;
  type: string;
  /** The item whose form has it. */
  item: string;
}

export interface ProcessOption {
  /** The BPMN process id a call activity names. */
  id: string;
  label: string;
}

export interface DesignerData {
  groups: { code: string; name: string }[];
  actions: WorkflowAction[];
  formFields: FormFieldOption[];
  /** Published processes; null until first needed. */
  processes: ProcessOption[] | null;
  /** Messages the other published processes send or wait for; null until first needed. */
  messages: ProcessMessageUse[] | null;
  readOnly: boolean;
}

export interface DesignerContext {
  writer: BpmnWriter;
  data: DesignerData;
  /** Subscribes to every change of the diagram; returns the unsubscribe. */
  onChanged(listener: () => void): () => void;
  /** Active users by name, user name or staff number, as `user:<username>` references. */
  searchUsers(query: string): Promise<RefOption[]>;
  loadProcesses(): Promise<void>;
  /** Fills `data.messages` (once). */
  loadMessages(): Promise<void>;
}

/** A counter that moves on every diagram change; read it in a computed to re-read the element. */
export function useDiagramRevision(designer: DesignerContext): Ref<number> {
  const revision = ref(0);
  const stop = designer.onChanged(() => (revision.value += 1));
  onBeforeUnmount(stop);
  return revision;
}
