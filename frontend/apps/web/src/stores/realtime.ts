import { EventSocket, eventsUrl, type SocketStatus } from '@hitsm/api';
import { defineStore } from 'pinia';
import { ref } from 'vue';

import { reportError } from '@/errors';

import { useJobsStore } from './jobs';

/** The one `/ws/events/` connection of this tab, open while someone is signed in. */
export const useRealtimeStore = defineStore('realtime', () => {
  const status = ref<SocketStatus>('idle');
  let socket: EventSocket | null = null;
  let onUnauthorized: () => void = () => undefined;

  function start(unauthorized: () => void): void {
    onUnauthorized = unauthorized;
    if (socket) return;
    const jobs = useJobsStore();
    socket = new EventSocket({
      url: () => eventsUrl(window.location),
      onStatus: (value) => {
        status.value = value;
      },
      onFrame: (frame) => {
        if (frame.type === 'job.updated') jobs.applyUpdate(frame.payload).catch(reportError);
      },
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

  return { status, start, stop };
});
