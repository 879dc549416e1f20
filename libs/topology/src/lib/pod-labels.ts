/**
 * The pod label the leading coordinator keeps on the nodes' pods (`--pod-labeler kubernetes`):
 * `role=source` on the source's pod, `role=replica` on the others. Services select on it (the
 * Helm chart's `<release>-source` and `<release>-read`), so it is part of the deployment contract.
 */
export const POD_ROLE_LABEL = 'role';

export const POD_ROLES = { source: 'source', replica: 'replica' } as const;

export type PodRole = (typeof POD_ROLES)[keyof typeof POD_ROLES];
