/**
 * Where the app opens for whom: the desk roles (who have the desk board in their menu) land on
 * the desk board when they open the app or sign in; everyone else on the home page. Choosing
 * Home from inside the app still shows the home page.
 */
import type { Me } from '@hitsm/api';

import { navKeysOf } from './guard';

export const DESK_LANDING_ROUTE = 'desk_board';

export function landingRedirect(me: Pick<Me, 'navigation' | 'roles'> | null, fromName: string | symbol | null | undefined): string | null {
  const arriving = fromName === undefined || fromName === null || fromName === 'login';
  if (!me || !arriving) return null;
  if (!me.roles.includes('agent')) return null;
  return navKeysOf(me).has(DESK_LANDING_ROUTE) ? DESK_LANDING_ROUTE : null;
}
