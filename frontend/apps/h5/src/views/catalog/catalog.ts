import type { CatalogExpectations, FieldErrors } from '@hitsm/api';

/**
 * Small pure helpers of the H5 service menu: the icon of an item, the promised times as words,
 * and the server's field errors split between the form, the notes and the rest.
 */

/** Vant icons an administrator may name directly in an item's or a category's `icon`. */
const VANT_ICONS = new Set([
  'apps-o', 'bag-o', 'bar-chart-o', 'bell', 'bill-o', 'bookmark-o', 'brush-o', 'bulb-o', 'calendar-o',
  'cart-o', 'certificate', 'chart-trending-o', 'chat-o', 'cluster-o', 'comment-o', 'desktop-o', 'description',
  'edit', 'envelop-o', 'exchange', 'eye-o', 'filter-o', 'fire-o', 'flag-o', 'friends-o', 'gift-o', 'guide-o',
  'hotel-o', 'idcard', 'info-o', 'label-o', 'link-o', 'location-o', 'lock', 'manager-o', 'medal-o', 'newspaper-o',
  'notes-o', 'orders-o', 'phone-o', 'photo-o', 'photograph', 'printer', 'qr', 'question-o', 'records-o', 'scan',
  'search', 'service-o', 'setting-o', 'shield-o', 'shop-o', 'sign', 'smile-o', 'star-o', 'todo-list-o', 'tv-o',
  'user-o', 'user-circle-o', 'video-o', 'volume-o', 'warning-o', 'wap-home-o', 'wechat',
]);

/** Element Plus icon names (what the web app shows) in Vant's set, compared in lower case. */
const ELEMENT_TO_VANT: Record<string, string> = {
  printer: 'printer',
  monitor: 'desktop-o',
  platform: 'desktop-o',
  cpu: 'cluster-o',
  lock: 'lock',
  unlock: 'lock',
  key: 'lock',
  user: 'user-o',
  userfilled: 'manager-o',
  avatar: 'manager-o',
  phone: 'phone-o',
  iphone: 'phone-o',
  cellphone: 'phone-o',
  setting: 'setting-o',
  tools: 'setting-o',
  document: 'description',
  documentadd: 'description',
  files: 'records-o',
  folder: 'records-o',
  folderopened: 'records-o',
  connection: 'link-o',
  link: 'link-o',
  message: 'envelop-o',
  chatdotround: 'chat-o',
  chatlinesquare: 'chat-o',
  calendar: 'calendar-o',
  camera: 'photograph',
  picture: 'photo-o',
  headset: 'service-o',
  service: 'service-o',
  warning: 'warning-o',
  warningfilled: 'warning-o',
  videocamera: 'video-o',
  box: 'bag-o',
  goods: 'bag-o',
  odometer: 'bar-chart-o',
  histogram: 'bar-chart-o',
  search: 'search',
  location: 'location-o',
  officebuilding: 'hotel-o',
  firstaidkit: 'shield-o',
  bell: 'bell',
  edit: 'edit',
  memo: 'notes-o',
  tickets: 'orders-o',
  grid: 'apps-o',
  menu: 'apps-o',
};

/** The Vant icon of an item: its own (Vant or Element Plus name), else one for its kind. */
export function itemIcon(item: { icon?: string; kind?: string }): string {
  const name = (item.icon ?? '').trim();
  if (VANT_ICONS.has(name)) return name;
  const mapped = ELEMENT_TO_VANT[name.toLowerCase().replace(/[-_\s]/g, '')];
  if (mapped) return mapped;
  return item.kind === 'incident' ? 'warning-o' : 'service-o';
}

const TINTS = ['#e6f4f4', '#e8f0fd', '#fdf1e6', '#f1ebfb', '#e9f6ec', '#fdeceb'];
const INKS = ['#0e7c86', '#2f6fde', '#c86a12', '#7b4fc8', '#2e8b4a', '#c8423a'];

/** A steady colour pair per item, so the same service always looks the same in the grid. */
export function itemTint(id: number): { background: string; color: string } {
  const index = Math.abs(id) % TINTS.length;
  return { background: TINTS[index] as string, color: INKS[index] as string };
}

/** A duration in minutes as the unit a requester thinks in: minutes, hours, or whole days. */
export function durationParts(minutes: number): { unit: 'minutes' | 'hours' | 'days'; n: number } {
  if (minutes < 60) return { unit: 'minutes', n: Math.max(1, Math.round(minutes)) };
  if (minutes >= 2880 && minutes % 1440 === 0) return { unit: 'days', n: minutes / 1440 };
  const hours = Math.round((minutes / 60) * 10) / 10;
  return { unit: 'hours', n: hours };
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The promised response and resolution times in words (either alone when the other has no target). */
export function expectationText(expected: CatalogExpectations | null, t: Translate): string {
  if (!expected) return '';
  const words = (minutes: number | null) => {
    if (minutes === null || minutes === undefined) return '';
    const { unit, n } = durationParts(minutes);
    return t(`h5Catalog.${unit}`, { n });
  };
  const response = words(expected.response_minutes);
  const resolution = words(expected.resolution_minutes);
  if (response && resolution) return t('h5Catalog.expect_both', { response, resolution });
  if (response) return t('h5Catalog.expect_response', { response });
  if (resolution) return t('h5Catalog.expect_resolution', { resolution });
  return '';
}

/**
 * The server's field errors of a submission: `form_data.<key>` (and `form_files.<key>`) go to the
 * form renderer without the prefix, `description` to the notes, everything else is shown apart.
 */
export function splitSubmissionErrors(fields: FieldErrors): {
  form: Record<string, string[]>;
  description: string[];
  other: string[];
} {
  const form: Record<string, string[]> = {};
  const description: string[] = [];
  const other: string[] = [];
  for (const [path, list] of Object.entries(fields)) {
    const match = /^form_(?:data|files)\.(.+)$/.exec(path);
    if (match?.[1]) form[match[1]] = [...(form[match[1]] ?? []), ...list];
    else if (path === 'description' || path === 'title') description.push(...list);
    else other.push(...list);
  }
  return { form, description, other };
}
