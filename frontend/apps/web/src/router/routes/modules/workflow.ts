import type { RouteRecordRaw } from 'vue-router';

// Processes (BPMN). Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): `workflow_definitions` for those who keep processes (the
// designer belongs to the list's key), `workflow_tasks` (the inbox) for everyone RACI may name.
// The designer is its own chunk: bpmn-js loads only there (and for a ticket's process viewer).

export const workflowRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/workflow',
    name: 'workflow_definitions',
    component: () => import('@/views/workflow/definitions/index.vue'),
    meta: { navKey: 'workflow_definitions', title: 'workflow.definitions.title' },
  },
  {
    path: 'admin/workflow/:id(\\d+)',
    name: 'workflow_designer',
    component: () => import('@/views/workflow/designer/index.vue'),
    meta: { navKey: 'workflow_definitions', title: 'workflow.designer.title' },
  },
  {
    path: 'tasks',
    name: 'workflow_tasks',
    component: () => import('@/views/workflow/tasks/index.vue'),
    meta: { navKey: 'workflow_tasks', title: 'workflow.tasks.title' },
  },
];
