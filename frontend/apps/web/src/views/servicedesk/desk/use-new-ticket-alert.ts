import type { TicketSummary } from '@hitsm/api';
import { onBeforeUnmount, onMounted, ref } from 'vue';

export type AlertPermission = NotificationPermission | 'unsupported';

type AudioContextClass = typeof AudioContext;

function audioContextClass(): AudioContextClass | null {
  const scope = globalThis as unknown as { AudioContext?: AudioContextClass; webkitAudioContext?: AudioContextClass };
  return scope.AudioContext ?? scope.webkitAudioContext ?? null;
}

/** Two short tones made with the Web Audio API (no audio file to download). */
export function playBeep(context: AudioContext): void {
  const start = context.currentTime;
  [880, 1175].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const at = start + index * 0.16;
    oscillator.type = 'sine';
    oscillator.frequency.setValueAtTime(frequency, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.15);
  });
}

/**
 * New-ticket announcements on the desk: a beep and, when the agent allowed it, a desktop
 * notification. Browsers only start audio and ask for permission after a user gesture, so the
 * first click or key press on the page unlocks the sound and the button asks for permission.
 */
export function useNewTicketAlert(onOpen: (id: number) => void) {
  const permission = ref<AlertPermission>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  let context: AudioContext | null = null;

  function unlock(): void {
    const Context = audioContextClass();
    if (!Context) return;
    try {
      context ??= new Context();
      if (context.state === 'suspended') void context.resume();
    } catch {
      context = null;
    }
  }

  async function enable(): Promise<AlertPermission> {
    unlock();
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      permission.value = await Notification.requestPermission();
    }
    return permission.value;
  }

  function beep(): void {
    if (!context || context.state !== 'running') return;
    playBeep(context);
  }

  /** Beep (unless `sound` is false: the board's mute) and show the desktop notification. */
  function announce(ticket: TicketSummary, title: string, sound = true): void {
    if (sound) beep();
    if (permission.value !== 'granted' || typeof Notification === 'undefined') return;
    const note = new Notification(title, { body: ticket.title, tag: `ticket-${ticket.id}` });
    note.onclick = () => {
      window.focus();
      onOpen(ticket.id);
      note.close();
    };
  }

  onMounted(() => {
    window.addEventListener('pointerdown', unlock, { once: true });
    window.addEventListener('keydown', unlock, { once: true });
  });
  onBeforeUnmount(() => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
    void context?.close().catch(() => undefined);
    context = null;
  });

  return { permission, enable, announce, beep };
}
