import type { CatalogExpectations } from '@hitsm/api';

import { durationParts } from '@/components/sla/sla-clock';

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Business minutes in words (`30 min`, `8 h` in the UI language), as the SLA pages write them. */
export function durationText(t: Translate, minutes: number): string {
  const { key, h, m } = durationParts(minutes);
  return t(`sla.duration.${key}`, { h, m });
}

/** "Expected response within 30 min, resolution within 8 h" (or the half that has a target, or that none is promised). */
export function expectationText(t: Translate, expected: Pick<CatalogExpectations, 'response_minutes' | 'resolution_minutes'>): string {
  const response = expected.response_minutes;
  const resolution = expected.resolution_minutes;
  if (response !== null && resolution !== null) {
    return t('catalog.expect.both', { response: durationText(t, response), resolution: durationText(t, resolution) });
  }
  if (response !== null) return t('catalog.expect.response_only', { response: durationText(t, response) });
  if (resolution !== null) return t('catalog.expect.resolution_only', { resolution: durationText(t, resolution) });
  return t('catalog.expect.none');
}

/** What the times are based on: the policy (or the priority's defaults) and the working calendar. */
export function expectationBasis(t: Translate, expected: Pick<CatalogExpectations, 'policy_name' | 'calendar_name' | 'priority'>): string {
  const policy = expected.policy_name
    ? t('catalog.expect.policy', { name: expected.policy_name })
    : t('catalog.expect.default_policy', { priority: expected.priority });
  return expected.calendar_name ? `${policy} · ${t('catalog.expect.calendar', { name: expected.calendar_name })}` : policy;
}
