import { describe, expect, it } from 'vitest';

import { commandFor, DESK_SHORTCUTS, isTypingTarget, type ShortcutEvent } from '@/views/servicedesk/desk/use-desk-shortcuts';

function key(value: string, patch: Partial<ShortcutEvent> = {}): ShortcutEvent {
  return { key: value, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, target: document.body, ...patch };
}

describe('desk keyboard shortcuts', () => {
  it('maps j/k/a/m/r/e/? to their commands', () => {
    expect(['j', 'k', 'a', 'm', 'r', 'e', '?'].map((k) => commandFor(key(k)))).toEqual([
      'next',
      'prev',
      'accept',
      'assign_me',
      'reply',
      'resolve',
      'help',
    ]);
    expect(commandFor(key('J'))).toBe('next');
    expect(commandFor(key('x'))).toBeNull();
  });

  it('documents every shortcut it handles', () => {
    expect(DESK_SHORTCUTS.map((s) => s.key)).toEqual(['j', 'k', 'a', 'm', 'r', 'e', '?']);
  });

  it('leaves typing alone: fields, editors, dialogs, IME composition and modifier keys', () => {
    const input = document.createElement('textarea');
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    const button = document.createElement('button');
    dialog.appendChild(button);
    document.body.append(input, dialog);
    expect(commandFor(key('a', { target: input }))).toBeNull();
    expect(commandFor(key('a', { target: button }))).toBeNull();
    expect(commandFor(key('a', { ctrlKey: true }))).toBeNull();
    expect(commandFor(key('r', { metaKey: true }))).toBeNull();
    expect(commandFor(key('j', { isComposing: true }))).toBeNull();
    expect(isTypingTarget(document.body)).toBe(false);
  });
});
