import { describe, expect, it } from 'vitest';

import { durationParts, expectationText, itemIcon, itemTint, splitSubmissionErrors } from '@/views/catalog/catalog';

describe('H5 catalog helpers', () => {
  it('names an item’s icon in Vant, from a Vant or Element Plus name, else by kind', () => {
    expect(itemIcon({ icon: 'printer', kind: 'incident' })).toBe('printer');
    expect(itemIcon({ icon: 'Monitor', kind: 'request' })).toBe('desktop-o');
    expect(itemIcon({ icon: 'user-filled' })).toBe('manager-o');
    expect(itemIcon({ icon: 'NoSuchIcon', kind: 'incident' })).toBe('warning-o');
    expect(itemIcon({ icon: '', kind: 'request' })).toBe('service-o');
    expect(itemTint(7)).toEqual(itemTint(13));
  });

  it('says durations in the unit a requester thinks in', () => {
    expect(durationParts(30)).toEqual({ unit: 'minutes', n: 30 });
    expect(durationParts(240)).toEqual({ unit: 'hours', n: 4 });
    expect(durationParts(90)).toEqual({ unit: 'hours', n: 1.5 });
    expect(durationParts(1440)).toEqual({ unit: 'hours', n: 24 });
    expect(durationParts(4320)).toEqual({ unit: 'days', n: 3 });
  });

  it('words the promised times, either part alone when the other has no target', () => {
    const t = (key: string, params?: Record<string, unknown>) => `${key}${params ? JSON.stringify(params) : ''}`;
    const base = { priority: 3, policy_name: '', calendar_name: '', response_due_at: null, resolution_due_at: null };
    expect(expectationText({ ...base, response_minutes: 30, resolution_minutes: 240 }, t)).toBe(
      'h5Catalog.expect_both{"response":"h5Catalog.minutes{\\"n\\":30}","resolution":"h5Catalog.hours{\\"n\\":4}"}',
    );
    expect(expectationText({ ...base, response_minutes: null, resolution_minutes: 60 }, t)).toContain('h5Catalog.expect_resolution');
    expect(expectationText({ ...base, response_minutes: null, resolution_minutes: null }, t)).toBe('');
    expect(expectationText(null, t)).toBe('');
  });

  it('splits the server’s errors between the form, the notes and the rest', () => {
    expect(
      splitSubmissionErrors({
        'form_data.reason': ['a'],
        'form_data.items.0.name': ['b'],
        'form_files.photo': ['c'],
        description: ['d'],
        catalog_item: ['e'],
      }),
    ).toEqual({ form: { reason: ['a'], 'items.0.name': ['b'], photo: ['c'] }, description: ['d'], other: ['e'] });
  });
});
