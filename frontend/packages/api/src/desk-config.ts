/**
 * Service desk configuration endpoints (hitsm/servicedesk/api/views.py): support groups (and
 * the one user look-up their page needs), the category tree, routing rules and the desk's saved
 * filters. One typed function each.
 */
import type { HitsmClient } from './client';
import { unwrap } from './errors';
import type {
  AssignmentGroup,
  AssignmentGroupPatch,
  AssignmentGroupRequest,
  Category,
  CategoryPatch,
  CategoryQuery,
  CategoryRequest,
  ConfigurationItemBrief,
  RoutingRule,
  RoutingRulePatch,
  RoutingRuleRequest,
  SavedFilter,
  SavedFilterRequest,
  User,
} from './types';

export function createDeskConfigEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    async createAssignmentGroup(body: AssignmentGroupRequest): Promise<AssignmentGroup> {
      return unwrap(await client.POST('/api/v1/assignment-groups/', { body }));
    },
    async patchAssignmentGroup(id: number, body: AssignmentGroupPatch): Promise<AssignmentGroup> {
      return unwrap(await client.PATCH('/api/v1/assignment-groups/{id}/', { ...path(id), body }));
    },
    /**
     * One person by id (IT staff may read anyone). A group names its team lead (`manager`) by
     * id only; the groups page looks up the name of a team lead who is not among the members.
     */
    async getUser(id: number): Promise<User> {
      return unwrap(await client.GET('/api/v1/users/{id}/', path(id)));
    },

    /** Every category, active or not unless `query` says otherwise (the list is not paged). */
    async listAllCategories(query: CategoryQuery = {}): Promise<Category[]> {
      return unwrap(await client.GET('/api/v1/categories/', { params: { query } }));
    },
    async createCategory(body: CategoryRequest): Promise<Category> {
      return unwrap(await client.POST('/api/v1/categories/', { body }));
    },
    async patchCategory(id: number, body: CategoryPatch): Promise<Category> {
      return unwrap(await client.PATCH('/api/v1/categories/{id}/', { ...path(id), body }));
    },

    async getConfigurationItem(id: number): Promise<ConfigurationItemBrief> {
      return unwrap(await client.GET('/api/v1/configuration-items/{id}/', path(id)));
    },

    /** In the order the server tries them (`order`, then `id`). */
    async listRoutingRules(): Promise<RoutingRule[]> {
      return unwrap(await client.GET('/api/v1/routing-rules/'));
    },
    async createRoutingRule(body: RoutingRuleRequest): Promise<RoutingRule> {
      return unwrap(await client.POST('/api/v1/routing-rules/', { body }));
    },
    async patchRoutingRule(id: number, body: RoutingRulePatch): Promise<RoutingRule> {
      return unwrap(await client.PATCH('/api/v1/routing-rules/{id}/', { ...path(id), body }));
    },
    async deleteRoutingRule(id: number): Promise<void> {
      await client.DELETE('/api/v1/routing-rules/{id}/', path(id));
    },

    /** The user's own filters and those others shared with the desk. */
    async listSavedFilters(): Promise<SavedFilter[]> {
      return unwrap(await client.GET('/api/v1/saved-filters/')) as SavedFilter[];
    },
    async createSavedFilter(body: SavedFilterRequest): Promise<SavedFilter> {
      return unwrap(await client.POST('/api/v1/saved-filters/', { body })) as SavedFilter;
    },
    async deleteSavedFilter(id: number): Promise<void> {
      await client.DELETE('/api/v1/saved-filters/{id}/', path(id));
    },
  };
}

export type DeskConfigEndpoints = ReturnType<typeof createDeskConfigEndpoints>;
