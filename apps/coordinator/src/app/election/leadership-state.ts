/**
 * Whether this instance may act, as an explicit state machine (like kafkajs'
 * transactionStateMachine): only `leader` records decisions and calls nodes.
 *
 *   follower --assigned--> acquiring --writer_ready--> leader
 *   acquiring | leader --lost | write_failed--> follower
 *   any --stop--> stopped
 *
 * Every entry into `acquiring` starts a new term; work begun in one term checks it is still the
 * current term before each step, so a deposed leader stops at once.
 */
export type LeadershipState = 'follower' | 'acquiring' | 'leader' | 'stopped';
export type LeadershipEvent = 'assigned' | 'writer_ready' | 'lost' | 'write_failed' | 'stop';

const TRANSITIONS: Readonly<Record<LeadershipState, Partial<Record<LeadershipEvent, LeadershipState>>>> = {
  follower: { assigned: 'acquiring', lost: 'follower', write_failed: 'follower', stop: 'stopped' },
  acquiring: { assigned: 'acquiring', writer_ready: 'leader', lost: 'follower', write_failed: 'follower', stop: 'stopped' },
  leader: { assigned: 'leader', lost: 'follower', write_failed: 'follower', stop: 'stopped' },
  stopped: { assigned: 'stopped', lost: 'stopped', write_failed: 'stopped', stop: 'stopped', writer_ready: 'stopped' },
};

export class LeadershipMachine {
  private current: LeadershipState = 'follower';
  private currentTerm = 0;

  get state(): LeadershipState {
    return this.current;
  }

  get term(): number {
    return this.currentTerm;
  }

  /** Applies `event`; returns the new state. An event the state has no edge for is ignored (stale). */
  apply(event: LeadershipEvent): LeadershipState {
    const next = TRANSITIONS[this.current][event];
    if (next === undefined) return this.current;
    if (event === 'assigned' && this.current === 'follower') this.currentTerm += 1;
    this.current = next;
    return next;
  }

  /** True while this instance leads in `term`. */
  leads(term: number): boolean {
    return this.current === 'leader' && this.currentTerm === term;
  }
}
