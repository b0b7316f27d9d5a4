import type { Role } from '@hitsm/api';

/** The contract's roles, in the order they are offered in filters and forms. */
export const ROLE_CODES: readonly Role[] = ['requester', 'agent', 'engineer', 'sysadmin', 'manager', 'admin'];
