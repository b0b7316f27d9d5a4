export { ApiError, isApiError, isErrorEnvelope, apiErrorFromResponse } from './errors';
export type { ErrorCode, ErrorEnvelope, FieldErrors, KnownErrorCode } from './errors';
export { CSRF_COOKIE, CSRF_HEADER, CsrfPrimer, parseCookie } from './csrf';
export { configureApi, createHitsmClient, serverLanguage } from './client';
export type { ApiClientOptions, ApiSettings, HitsmClient, UiLocale } from './client';
export {
  API_PREFIX,
  api,
  createEndpoints,
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
} from './endpoints';
export type { Endpoints } from './endpoints';
export { EventSocket, backoffDelay, eventsUrl, parseFrame, UNAUTHORIZED_CLOSE_CODE } from './events';
export type { EventFrame, EventSocketOptions, JobUpdate, SocketStatus, WebSocketLike } from './events';
export type * from './types';
