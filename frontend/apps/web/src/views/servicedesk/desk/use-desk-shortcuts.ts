import { onBeforeUnmount, onMounted } from 'vue';

export type DeskCommand = 'next' | 'prev' | 'accept' | 'assign_me' | 'reply' | 'resolve' | 'help';

/** The keys, in the order the help popover lists them. */
export const DESK_SHORTCUTS: readonly { key: string; command: DeskCommand }[] = [
  { key: 'j', command: 'next' },
  { key: 'k', command: 'prev' },
  { key: 'a', command: 'accept' },
  { key: 'm', command: 'assign_me' },
  { key: 'r', command: 'reply' },
  { key: 'e', command: 'resolve' },
  { key: '?', command: 'help' },
];

const BY_KEY = new Map(DESK_SHORTCUTS.map((s) => [s.key, s.command]));

export type ShortcutEvent = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target' | 'isComposing'>;

/** Typing in a field, a rich editor or an open dialog never triggers a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  return Boolean(element.closest('input, textarea, select, [contenteditable="true"], [role="dialog"], .el-select__popper'));
}

export function commandFor(event: ShortcutEvent): DeskCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (isTypingTarget(event.target)) return null;
  return BY_KEY.get(event.key.length === 1 ? event.key.toLowerCase() : event.key) ?? null;
}

/** Listen on the window while the page is shown. */
export function useDeskShortcuts(handlers: Record<DeskCommand, () => void>): void {
  function onKeydown(event: KeyboardEvent): void {
    const command = commandFor(event);
    if (!command) return;
    event.preventDefault();
    handlers[command]();
  }
  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
