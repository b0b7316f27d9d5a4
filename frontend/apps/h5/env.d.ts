/// <reference types="vite/client" />

import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, 404). */
    public?: boolean;
    /** Locale key of the page title. */
    title?: string;
    /** IT staff only (agent mode: the task list). */
    staff?: boolean;
  }
}
