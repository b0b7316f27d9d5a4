import type { RouteRecordRaw } from 'vue-router';

// Satisfaction surveys (hitsm/surveys). Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): the desk reads the follow-ups and the monthly report (IT managers
// and admins act on them), IT managers and admins keep the settings. A ticket's survey is on the
// ticket's own page.

export const surveyRoutes: RouteRecordRaw[] = [
  {
    path: 'surveys/follow-ups',
    name: 'survey_follow_ups',
    component: () => import('@/views/surveys/follow-ups/index.vue'),
    meta: { navKey: 'survey_follow_ups', title: 'nav.survey_follow_ups' },
  },
  {
    path: 'surveys/summary',
    name: 'survey_summary',
    component: () => import('@/views/surveys/summary/index.vue'),
    meta: { navKey: 'survey_summary', title: 'nav.survey_summary' },
  },
  {
    path: 'admin/surveys',
    name: 'survey_configs',
    component: () => import('@/views/surveys/configs/index.vue'),
    meta: { navKey: 'survey_configs', title: 'nav.survey_configs' },
  },
];
