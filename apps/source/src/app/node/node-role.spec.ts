import { NODE_ROLES, type NodeRole } from '@kbinlog/topology';
import { canChangeRole, NodeRoleState, RoleTransitionError } from './node-role';

const ALLOWED: readonly [NodeRole, NodeRole][] = [
  ['starting', 'replica'],
  ['starting', 'promoting'],
  ['replica', 'promoting'],
  ['promoting', 'source'],
  ['promoting', 'replica'],
  ['source', 'demoting'],
  ['demoting', 'replica'],
];

function walk(state: NodeRoleState, ...roles: NodeRole[]): void {
  for (const role of roles) state.change(role);
}

describe('NodeRoleState', () => {
  it('starts in role starting', () => {
    expect(new NodeRoleState().role).toBe('starting');
  });

  it('allows exactly the transitions of docs/coordinator.md', () => {
    const allowed = new Set(ALLOWED.map(([from, to]) => `${from}->${to}`));
    for (const from of NODE_ROLES) {
      for (const to of NODE_ROLES) expect({ transition: `${from}->${to}`, allowed: canChangeRole(from, to) }).toEqual({ transition: `${from}->${to}`, allowed: allowed.has(`${from}->${to}`) });
    }
  });

  it('walks a full life: start as replica, promote, demote, promote again', () => {
    const state = new NodeRoleState();
    const seen: string[] = [];
    state.onChange((role, from) => seen.push(`${from}->${role}`));
    walk(state, 'replica', 'promoting', 'source', 'demoting', 'replica', 'promoting', 'source');
    expect(state.role).toBe('source');
    expect(seen).toEqual(['starting->replica', 'replica->promoting', 'promoting->source', 'source->demoting', 'demoting->replica', 'replica->promoting', 'promoting->source']);
  });

  it('falls back to replica when a promotion fails', () => {
    const state = new NodeRoleState();
    walk(state, 'promoting', 'replica');
    expect(state.role).toBe('replica');
  });

  it.each<[NodeRole[], NodeRole]>([
    [[], 'source'],
    [['replica'], 'source'],
    [['replica'], 'demoting'],
    [['promoting', 'source'], 'replica'],
    [['promoting', 'source'], 'promoting'],
    [['promoting', 'source', 'demoting'], 'source'],
    [['replica'], 'starting'],
  ])('after %j refuses %s and keeps its role', (path, to) => {
    const state = new NodeRoleState();
    walk(state, ...path);
    const before = state.role;
    let notified = false;
    state.onChange(() => (notified = true));
    expect(() => state.change(to)).toThrow(new RoleTransitionError(before, to));
    expect(state.role).toBe(before);
    expect(notified).toBe(false);
  });
});
