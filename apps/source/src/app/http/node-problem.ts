import { type ProblemKind } from '@kbinlog/service-runtime';

/** The node API's own problem kinds, beside service-runtime's HTTP_PROBLEMS. */
export const NODE_PROBLEMS = {
  notAssigned: { name: 'not-assigned', status: 409, title: 'Not the assigned source' },
  roleChangeRefused: { name: 'role-change-refused', status: 409, title: 'Role change refused' },
  notAReplica: { name: 'not-a-replica', status: 409, title: 'Not a replica' },
  promotionFailed: { name: 'promotion-failed', status: 500, title: 'Promotion failed' },
} as const satisfies Record<string, ProblemKind>;
