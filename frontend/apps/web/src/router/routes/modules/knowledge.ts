import type { RouteRecordRaw } from 'vue-router';

// The knowledge base (docs/knowledge.md). Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): everyone searches and reads at /knowledge (the API shows staff
// only published articles for everyone); IT staff write articles, read the self-service log and
// the synonyms; reviewers publish, retire and edit synonyms (the API decides). An article's
// editor belongs to the management list's key.

export const knowledgeRoutes: RouteRecordRaw[] = [
  {
    path: 'knowledge',
    name: 'knowledge',
    component: () => import('@/views/knowledge/home/index.vue'),
    meta: { navKey: 'knowledge', title: 'nav.knowledge' },
  },
  {
    path: 'knowledge/articles/:id(\\d+)',
    name: 'knowledge_article',
    component: () => import('@/views/knowledge/article/index.vue'),
    meta: { navKey: 'knowledge', title: 'nav.knowledge_article' },
  },
  {
    path: 'admin/knowledge',
    name: 'knowledge_manage',
    component: () => import('@/views/knowledge/manage/index.vue'),
    meta: { navKey: 'knowledge_manage', title: 'nav.knowledge_manage' },
  },
  {
    path: 'admin/knowledge/new',
    name: 'knowledge_new',
    component: () => import('@/views/knowledge/editor/index.vue'),
    meta: { navKey: 'knowledge_manage', title: 'nav.knowledge_editor' },
  },
  {
    path: 'admin/knowledge/:id(\\d+)',
    name: 'knowledge_editor',
    component: () => import('@/views/knowledge/editor/index.vue'),
    meta: { navKey: 'knowledge_manage', title: 'nav.knowledge_editor' },
  },
  {
    path: 'admin/knowledge/questions',
    name: 'knowledge_questions',
    component: () => import('@/views/knowledge/questions/index.vue'),
    meta: { navKey: 'knowledge_questions', title: 'nav.knowledge_questions' },
  },
  {
    path: 'admin/knowledge/categories',
    name: 'knowledge_categories',
    component: () => import('@/views/knowledge/categories/index.vue'),
    meta: { navKey: 'knowledge_categories', title: 'nav.knowledge_categories' },
  },
  {
    path: 'admin/knowledge/synonyms',
    name: 'knowledge_synonyms',
    component: () => import('@/views/knowledge/synonyms/index.vue'),
    meta: { navKey: 'knowledge_synonyms', title: 'nav.knowledge_synonyms' },
  },
];
