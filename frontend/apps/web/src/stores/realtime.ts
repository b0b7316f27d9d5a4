import { EventSocket, eventsUrl, type EventFrame, type SocketStatus } from '@hitsm/api';
import { defineStore } from 'pinia';
import { ref } from 'vue';

import { reportError } from '@/errors';

import { useJobsStore } from './jobs';
import { useNotificationsStore } from './notifications';

export type FrameListener = (frame: EventFrame) => void;

/**
 * The one `/ws/events/` connection of this tab, open while someone is signed in. Jobs and the
 * notification bell always listen; pages (the desk, a ticket) subscribe while they are shown.
 */
export const useRealtimeStore = defineStore('realtime', () => {
  const status = ref<SocketStatus>('idle');
  /** Bumped on every (re)connection, so listeners can re-read what they may have missed. */
  const connections = ref(0);
  const listeners = new Set<FrameListener>();
  let socket: EventSocket | null = null;
  let onUnauthorized: () => void = () => undefined;

  function dispatch(frame: EventFrame): void {
    if (frame.type === 'job.updated') useJobsStore().applyUpdate(frame.payload).catch(reportError);
    if (frame.type === 'notification') useNotificationsStore().applyPush(frame.payload);
    for (const listener of [...listeners]) {
      try {
        listener(frame);
      } catch (error) {
        reportError(error);
      }
    }
  }

  function start(unauthorized: () => void): void {
    onUnauthorized = unauthorized;
    if (socket) return;
    socket = new EventSocket({
      url: () => eventsUrl(window.location),
      onStatus: (value) => {
        if (value === 'open' && status.value !== 'open') connections.value += 1;
        status.value = value;
      },
      onFrame: dispatch,
      onUnauthorized: () => {
        socket = null;
        onUnauthorized();
      },
    });
    socket.start();
  }

  function stop(): void {
    socket?.stop();
    socket = null;
    status.value = 'idle';
  }

  /** Listen to every frame until the returned function is called. */
  function subscribe(listener: FrameListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { status, connections, start, stop, subscribe, dispatch };
});
