/**
 * One small typed function per endpoint of docs/api-contract-foundation.md. Errors arrive as
 * thrown {@link ApiError}s (see client middleware), so each function only unwraps `data`.
 */
import { createCatalogEndpoints } from './catalog';
import { createHitsmClient, type HitsmClient } from './client';
import { createCmdbEndpoints } from './cmdb';
import { unwrap } from './errors';
import { createDeskConfigEndpoints } from './desk-config';
import { createNotificationEndpoints } from './notifications';
import { createSlaEndpoints } from './sla';
import { createTicketEndpoints } from './tickets';
import type {
  ApiToken,
  ApiTokenCreateRequest,
  ApiTokenCreated,
  DepartmentPage,
  DepartmentQuery,
  DepartmentTreeNode,
  Health,
  HealthQuery,
  Job,
  JobPage,
  JobQuery,
  LoginRequest,
  Me,
  PasswordChangeRequest,
  TotpDevice,
  TotpStatus,
  User,
  UserPage,
  UserPatch,
  UserQuery,
} from './types';

export const API_PREFIX = '/api/v1';

export function createEndpoints(client: HitsmClient) {
  return {
    async csrf(): Promise<void> {
      await client.GET('/api/v1/auth/csrf/');
    },
    async login(body: LoginRequest): Promise<Me> {
      return unwrap(await client.POST('/api/v1/auth/login/', { body }));
    },
    async logout(): Promise<void> {
      await client.POST('/api/v1/auth/logout/');
    },
    async getMe(): Promise<Me> {
      return unwrap(await client.GET('/api/v1/auth/me/'));
    },
    async changePassword(body: PasswordChangeRequest): Promise<void> {
      await client.POST('/api/v1/auth/password/', { body });
    },

    async listTokens(): Promise<ApiToken[]> {
      return unwrap(await client.GET('/api/v1/auth/tokens/'));
    },
    async createToken(body: ApiTokenCreateRequest): Promise<ApiTokenCreated> {
      return unwrap(await client.POST('/api/v1/auth/tokens/', { body }));
    },
    async deleteToken(id: number): Promise<void> {
      await client.DELETE('/api/v1/auth/tokens/{id}/', { params: { path: { id } } });
    },

    async getTotpStatus(): Promise<TotpStatus> {
      return unwrap(await client.GET('/api/v1/auth/totp/'));
    },
    async createTotp(): Promise<TotpDevice> {
      return unwrap(await client.POST('/api/v1/auth/totp/'));
    },
    async confirmTotp(otpToken: string): Promise<void> {
      await client.POST('/api/v1/auth/totp/confirm/', { body: { otp_token: otpToken } });
    },
    async deleteTotp(otpToken: string): Promise<void> {
      // The contract sends the code in the DELETE body; the generated schema lists no body for it.
      await client.DELETE('/api/v1/auth/totp/', { body: { otp_token: otpToken } as never });
    },

    async listDepartments(query: DepartmentQuery = {}): Promise<DepartmentPage> {
      return unwrap(await client.GET('/api/v1/departments/', { params: { query } }));
    },
    async getDepartmentTree(): Promise<DepartmentTreeNode[]> {
      return unwrap(await client.GET('/api/v1/departments/tree/')) as DepartmentTreeNode[];
    },

    async listUsers(query: UserQuery = {}): Promise<UserPage> {
      return unwrap(await client.GET('/api/v1/users/', { params: { query } }));
    },
    async patchUser(id: number, body: UserPatch): Promise<User> {
      return unwrap(await client.PATCH('/api/v1/users/{id}/', { params: { path: { id } }, body }));
    },
    async unlockUser(id: number): Promise<void> {
      await client.POST('/api/v1/users/{id}/unlock/', { params: { path: { id } } });
    },

    /** `POST user-imports/` as multipart with one `file` field; answers 202 with the Job. */
    async uploadUserImport(file: Blob, filename?: string): Promise<Job> {
      const form = new FormData();
      if (filename === undefined) form.append('file', file);
      else form.append('file', file, filename);
      const job = unwrap(
        await client.POST('/api/v1/user-imports/', {
          // The schema types the binary field as a string; the browser sends FormData as-is.
          body: form as unknown as { file: string },
          bodySerializer: (value: unknown) => value as FormData,
        }),
      );
      return job as Job;
    },
    /** Plain link target for the xlsx template (a same-origin download using the session). */
    importTemplateUrl(): string {
      return `${API_PREFIX}/user-imports/template/`;
    },

    async listJobs(query: JobQuery = {}): Promise<JobPage> {
      return unwrap(await client.GET('/api/v1/jobs/', { params: { query } })) as JobPage;
    },
    async getJob(id: number): Promise<Job> {
      return unwrap(await client.GET('/api/v1/jobs/{id}/', { params: { path: { id } } })) as Job;
    },

    async getHealth(query: HealthQuery = {}): Promise<Health> {
      return unwrap(await client.GET('/api/v1/system/health/', { params: { query } }));
    },

    ...createTicketEndpoints(client),
    ...createNotificationEndpoints(client),
    ...createDeskConfigEndpoints(client),
    ...createCmdbEndpoints(client),
    ...createSlaEndpoints(client),
    ...createCatalogEndpoints(client),
  };
}

export type Endpoints = ReturnType<typeof createEndpoints>;

// --- CMDB (cmdb.ts): its types travel with the endpoints through `index.ts`. ------------------
export type * from './cmdb';
// --- SLA (sla.ts) ------------------------------------------------------------------------------
export type * from './sla';
// --- Service menu (catalog.ts): its helpers too (multipart submission, form answers). ---------
export * from './catalog';

/** The endpoints over the shared, browser-configured client. */
export const api: Endpoints = createEndpoints(createHitsmClient());

export const {
  csrf,
  login,
  logout,
  getMe,
  changePassword,
  listTokens,
  createToken,
  deleteToken,
  getTotpStatus,
  createTotp,
  confirmTotp,
  deleteTotp,
  listDepartments,
  getDepartmentTree,
  listUsers,
  patchUser,
  unlockUser,
  uploadUserImport,
  importTemplateUrl,
  listJobs,
  getJob,
  getHealth,
  listTickets,
  getTicketQueues,
  getTicket,
  patchTicket,
  listTicketEvents,
  createTicket,
  acceptTicket,
  assignTicket,
  startTicket,
  pendTicket,
  resumeTicket,
  resolveTicket,
  confirmTicket,
  closeTicket,
  reopenTicket,
  cancelTicket,
  escalateTicket,
  transferTicket,
  replyTicket,
  attachTicketFiles,
  linkTicket,
  setTicketParent,
  mergeTicket,
  bulkTickets,
  exportTickets,
  listAssignmentGroups,
  listCategories,
  listConfigurationItems,
  listNotifications,
  getUnreadCount,
  markNotificationsRead,
  getNotificationPreferences,
  putNotificationPreferences,
  createAssignmentGroup,
  patchAssignmentGroup,
  getUser,
  listAllCategories,
  createCategory,
  patchCategory,
  getConfigurationItem,
  listRoutingRules,
  createRoutingRule,
  patchRoutingRule,
  deleteRoutingRule,
  listSavedFilters,
  createSavedFilter,
  deleteSavedFilter,
} = api;

// --- CMDB ---------------------------------------------------------------------------------------
export const {
  listCiClasses,
  createCiClass,
  patchCiClass,
  createCiAttribute,
  patchCiAttribute,
  deleteCiAttribute,
  listRelationTypes,
  listCiItems,
  getCiItem,
  createCiItem,
  patchCiItem,
  deleteCiItem,
  getCiImpact,
  getCiDependencies,
  getCiDiagram,
  listCiRelations,
  listCiRelationPage,
  listCiRelationsAmong,
  listCiHistory,
  createCiRelation,
  deleteCiRelation,
  exportCiItems,
  ciImportTemplateUrl,
  uploadCiImport,
} = api;

// --- SLA ----------------------------------------------------------------------------------------
export const {
  listSlaCalendars,
  getSlaCalendar,
  createSlaCalendar,
  patchSlaCalendar,
  previewSlaCalendar,
  listSlaCalendarDays,
  createSlaCalendarDay,
  patchSlaCalendarDay,
  deleteSlaCalendarDay,
  listPublicHolidays,
  createPublicHoliday,
  patchPublicHoliday,
  deletePublicHoliday,
  listSlaPolicies,
  getSlaPolicy,
  createSlaPolicy,
  patchSlaPolicy,
  deleteSlaPolicy,
  listSlaEscalations,
  createSlaEscalation,
  patchSlaEscalation,
  deleteSlaEscalation,
  getTicketSla,
  getPriorityMatrix,
  savePriorityMatrix,
  resetPriorityMatrix,
} = api;

// --- Service menu -------------------------------------------------------------------------------
export const {
  getCatalogMenu,
  getCatalogItem,
  setCatalogFavourite,
  getCatalogItemForm,
  getCatalogExpectations,
  getCatalogAssistant,
  getCatalogOptions,
  submitCatalogItem,
} = api;
