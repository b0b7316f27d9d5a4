/// <reference types="vite/client" />

import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, 404). */
    public?: boolean;
    /** The `me.navigation` key that grants this route; absent = any signed-in user. */
    navKey?: string;
    /** Locale key of the page title. */
    title?: string;
  }
}
