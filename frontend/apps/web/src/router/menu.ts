/** The side menu comes only from `me.navigation`; this maps each item to a route or a link. */
import type { NavItem } from '@hitsm/api';

export interface MenuEntry {
  key: string;
  /** Locale key of the label. */
  labelKey: string;
  /** Element Plus icon component name, e.g. `House`. */
  icon: string;
  /** Name of the SPA route for this key, when the app has one. */
  routeName?: string;
  /** Otherwise a server page (e.g. `/api/docs/`), opened in a new tab. */
  href?: string;
}

export function buildMenu(navigation: readonly NavItem[], routeNames: ReadonlySet<string>): MenuEntry[] {
  const seen = new Set<string>();
  const entries: MenuEntry[] = [];
  for (const item of navigation) {
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    const base = { key: item.key, labelKey: `nav.${item.key}`, icon: item.icon };
    if (routeNames.has(item.key)) entries.push({ ...base, routeName: item.key });
    else if (item.path) entries.push({ ...base, href: item.path });
  }
  return entries;
}

/** Which menu entry to highlight for the current route. */
export function activeMenuKey(routeNavKey: string | undefined, entries: readonly MenuEntry[]): string {
  if (routeNavKey && entries.some((entry) => entry.key === routeNavKey)) return routeNavKey;
  return '';
}
