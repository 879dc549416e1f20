import type { NodeRole } from '@kbinlog/topology';

/**
 * The node's role and the only ways it may change (docs/coordinator.md, "Nodes and roles"). Every
 * change goes through `change`, so no code path can, say, take writes without having fenced the
 * old writer and caught up (promoting) first.
 */
const TRANSITIONS: Readonly<Record<NodeRole, readonly NodeRole[]>> = {
  starting: ['replica', 'promoting'],
  replica: ['promoting'],
  // A failed promotion falls back to replica: the log is intact, the node applies it again.
  promoting: ['source', 'replica'],
  source: ['demoting'],
  demoting: ['replica'],
};

export class RoleTransitionError extends Error {
  constructor(
    readonly from: NodeRole,
    readonly to: NodeRole,
  ) {
    super(`a node cannot go from role ${from} to ${to}`);
    this.name = 'RoleTransitionError';
  }
}

export function canChangeRole(from: NodeRole, to: NodeRole): boolean {
  return TRANSITIONS[from].includes(to);
}

export class NodeRoleState {
  private current: NodeRole = 'starting';
  private readonly listeners = new Set<(role: NodeRole, from: NodeRole) => void>();

  get role(): NodeRole {
    return this.current;
  }

  /** Moves to `to`, or throws RoleTransitionError and stays where it is. */
  change(to: NodeRole): void {
    const from = this.current;
    if (!canChangeRole(from, to)) throw new RoleTransitionError(from, to);
    this.current = to;
    for (const listener of this.listeners) listener(to, from);
  }

  onChange(listener: (role: NodeRole, from: NodeRole) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
