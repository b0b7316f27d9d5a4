/**
 * The designer offers only what the engine runs (hitsm/workflow/engine.py `FLOW_NODES`/`ALLOWED`):
 * the palette, the context pad and the replace menu are filtered here, after bpmn-js's own
 * providers (a lower priority runs later and sees their entries). No script task, no data
 * objects, no sub-processes, no signal/conditional/… events, no multi-instance markers; message
 * events only as intermediate catch/throw and end events (processes of related tickets talk).
 */
import type Create from 'diagram-js/lib/features/create/Create';
import type AutoPlace from 'diagram-js/lib/features/auto-place/AutoPlace';
import type ContextPad from 'diagram-js/lib/features/context-pad/ContextPad';
import type { ContextPadEntries, ContextPadEntry } from 'diagram-js/lib/features/context-pad/ContextPadProvider';
import type Palette from 'diagram-js/lib/features/palette/Palette';
import type { PaletteEntries, PaletteEntry } from 'diagram-js/lib/features/palette/PaletteProvider';
import type PopupMenu from 'diagram-js/lib/features/popup-menu/PopupMenu';
import type { PopupMenuEntries, PopupMenuHeaderEntries } from 'diagram-js/lib/features/popup-menu/PopupMenuProvider';
import type ElementFactory from 'bpmn-js/lib/features/modeling/ElementFactory';

type Translate = (template: string, replacements?: Record<string, string>) => string;

/** Runs after the default providers (priority 1000). */
const AFTER_DEFAULTS = 500;

/** Palette entries kept from bpmn-js (tools and the engine's events, gateway and pools). */
export const PALETTE_KEPT = [
  'hand-tool',
  'lasso-tool',
  'space-tool',
  'global-connect-tool',
  'tool-separator',
  'create.start-event',
  'create.intermediate-event',
  'create.end-event',
  'create.exclusive-gateway',
  'create.participant-expanded',
] as const;

/** Context pad entries kept from bpmn-js; `append.append-task` becomes a user task. */
export const CONTEXT_PAD_KEPT = [
  'append.end-event',
  'append.gateway',
  'append.intermediate-event',
  'append.text-annotation',
  'replace',
  'delete',
  'connect',
  'lane-insert-above',
  'lane-insert-below',
  'lane-divide-two',
  'lane-divide-three',
] as const;

/** Replace menu targets the engine runs (`replace-with-<popup entry id>`). */
export const REPLACE_KEPT = [
  'replace-with-task',
  'replace-with-user-task',
  'replace-with-service-task',
  'replace-with-call-activity',
  'replace-with-exclusive-gateway',
  'replace-with-parallel-gateway',
  'replace-with-none-start',
  'replace-with-none-end',
  'replace-with-none-intermediate-throw',
  'replace-with-none-intermediate-throwing',
  'replace-with-timer-intermediate-catch',
  'replace-with-message-intermediate-catch',
  'replace-with-message-intermediate-throw',
  'replace-with-message-end',
  'replace-with-timer-boundary',
  'replace-with-non-interrupting-timer-boundary',
  'replace-with-sequence-flow',
  'replace-with-default-flow',
  'replace-with-conditional-flow',
  'replace-with-expanded-pool',
] as const;

/** Replace menu header toggles kept (no loop or multi-instance markers). */
export const REPLACE_HEADER_KEPT = ['toggle-non-interrupting'] as const;

function pick<T>(entries: Record<string, T>, keep: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(entries).filter(([key]) => keep.includes(key)));
}

export class HitsmPalette {
  static $inject = ['palette', 'create', 'elementFactory', 'translate'];

  constructor(
    palette: Palette,
    private readonly create: Create,
    private readonly elementFactory: ElementFactory,
    private readonly translate: Translate,
  ) {
    palette.registerProvider(AFTER_DEFAULTS, this);
  }

  private createEntry(type: string, group: string, className: string, title: string, eventDefinitionType?: string): PaletteEntry {
    const start = (event: Event) => this.create.start(event, this.elementFactory.createShape({ type, ...(eventDefinitionType ? { eventDefinitionType } : {}) }));
    return { group, className, title: this.translate(title), action: { dragstart: start, click: start } };
  }

  getPaletteEntries() {
    return (entries: PaletteEntries): PaletteEntries => ({
      ...pick(entries, PALETTE_KEPT),
      'create.parallel-gateway': this.createEntry('bpmn:ParallelGateway', 'gateway', 'bpmn-icon-gateway-parallel', 'Create parallel gateway'),
      'create.user-task': this.createEntry('bpmn:UserTask', 'activity', 'bpmn-icon-user-task', 'Create user task'),
      'create.service-task': this.createEntry('bpmn:ServiceTask', 'activity', 'bpmn-icon-service-task', 'Create service task'),
      'create.call-activity': this.createEntry('bpmn:CallActivity', 'activity', 'bpmn-icon-call-activity', 'Create call activity'),
      'create.message-catch-event': this.createEntry(
        'bpmn:IntermediateCatchEvent',
        'event',
        'bpmn-icon-intermediate-event-catch-message',
        'Create message catch event',
        'bpmn:MessageEventDefinition',
      ),
      'create.message-throw-event': this.createEntry(
        'bpmn:IntermediateThrowEvent',
        'event',
        'bpmn-icon-intermediate-event-throw-message',
        'Create message throw event',
        'bpmn:MessageEventDefinition',
      ),
    });
  }
}

export class HitsmContextPad {
  static $inject = ['contextPad', 'create', 'elementFactory', 'translate', 'injector'];

  private readonly autoPlace: AutoPlace | null;

  constructor(
    contextPad: ContextPad,
    private readonly create: Create,
    private readonly elementFactory: ElementFactory,
    private readonly translate: Translate,
    injector: { get<T>(name: string, strict: boolean): T | null },
  ) {
    this.autoPlace = injector.get<AutoPlace>('autoPlace', false);
    contextPad.registerProvider(AFTER_DEFAULTS, this);
  }

  private appendUserTask(): ContextPadEntry {
    const shape = () => this.elementFactory.createShape({ type: 'bpmn:UserTask' });
    const start = (event: Event, source: unknown) => this.create.start(event, shape(), { source });
    const click = (event: Event, source: unknown) => {
      if (this.autoPlace && !Array.isArray(source)) this.autoPlace.append(source as never, shape());
      else start(event, source);
    };
    return {
      group: 'model',
      className: 'bpmn-icon-user-task',
      title: this.translate('Append user task'),
      action: { dragstart: start, click },
    };
  }

  getContextPadEntries() {
    return (entries: ContextPadEntries): ContextPadEntries => {
      const kept = pick(entries, CONTEXT_PAD_KEPT);
      if (entries['append.append-task']) kept['append.user-task'] = this.appendUserTask();
      return kept;
    };
  }
}

export class HitsmReplaceMenu {
  static $inject = ['popupMenu'];

  constructor(popupMenu: PopupMenu) {
    popupMenu.registerProvider('bpmn-replace', AFTER_DEFAULTS, this);
  }

  getPopupMenuEntries() {
    return (entries: PopupMenuEntries): PopupMenuEntries => pick(entries, REPLACE_KEPT);
  }

  /** At run time the header entries are a map by id (the typings say a list). */
  getPopupMenuHeaderEntries() {
    return (entries: PopupMenuHeaderEntries): PopupMenuHeaderEntries =>
      pick(entries as unknown as Record<string, unknown>, REPLACE_HEADER_KEPT) as unknown as PopupMenuHeaderEntries;
  }
}

/** The restricted palette, context pad and replace menu, as one bpmn-js module. */
export const restrictionsModule = {
  __init__: ['hitsmPalette', 'hitsmContextPad', 'hitsmReplaceMenu'],
  hitsmPalette: ['type', HitsmPalette],
  hitsmContextPad: ['type', HitsmContextPad],
  hitsmReplaceMenu: ['type', HitsmReplaceMenu],
};
