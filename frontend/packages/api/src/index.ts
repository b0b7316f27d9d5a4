export { ApiError, isApiError, isErrorEnvelope, apiErrorFromResponse } from './errors';
export type { ErrorCode, ErrorEnvelope, FieldErrors, KnownErrorCode } from './errors';
export { CSRF_COOKIE, CSRF_HEADER, CsrfPrimer, parseCookie } from './csrf';
export { configureApi, createHitsmClient, serverLanguage } from './client';
export type { ApiClientOptions, ApiSettings, HitsmClient, UiLocale } from './client';
// Every endpoint function (one per API operation), `api`, `createEndpoints`, `API_PREFIX`.
export * from './endpoints';
// KPI board (kpis.ts): the five layers, trend, drill-down, Excel export, background job.
export * from './kpis';
// Service boards (boards.ts): the desk board, the role homes, the wallboard.
export * from './boards';
export { filenameFromDisposition, replyForm, ticketCreateForm, ticketQueryString } from './tickets';
export * from './ticket-rules';
// SLA clocks as both apps show them (sla-rules.ts): levels, thresholds, the requester's view.
export * from './sla-rules';
export { EventSocket, backoffDelay, eventsUrl, parseFrame, UNAUTHORIZED_CLOSE_CODE } from './events';
export type {
  BoardChangedPush,
  EventFrame,
  EventSocketOptions,
  NetworkEvents,
  JobUpdate,
  NotificationPush,
  SocketStatus,
  TicketEventPush,
  TicketSummary,
  WebSocketLike,
} from './events';
export type * from './types';
// Catalog forms (catalog-forms.ts): the designer's admin endpoints.
export * from './catalog-forms';
// Catalog forms (docs/catalog.md): the schema, visibility, cleaning, validation, schema checks.
export * from './forms/schema';
export * from './forms/logic';
// Catalog administration (catalog-admin.ts): menu categories, items, NFR, PBA, OBASHI statistics.
export * from './catalog-admin';
// Processes (workflow.ts): BPMN definitions, versions, actions, the task inbox, instances.
export * from './workflow';
// Knowledge (knowledge.ts): articles, categories, synonyms, the auto-answer service, the assistant;
// the ask-before-a-ticket flow and the category tree both apps share (knowledge-rules.ts).
export * from './knowledge';
export * from './knowledge-rules';
// WeCom (wecom.ts): settings, callback keys, message logs, sign-in status, JS-SDK signatures,
// photos and voice attached by WeCom media id, incident group chats.
export * from './wecom';
// Satisfaction surveys (surveys.ts): answering, follow-ups, configuration, the monthly summary;
// the rules both apps show them by (survey-rules.ts).
export * from './surveys';
export * from './survey-rules';
// The audit log (audit.ts): the change and login logs with Excel, the seals and their check.
export * from './audit';
