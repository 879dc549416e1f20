import { isFencedError } from '@kbinlog/binlog-kafka';
import type { TopologyRecord } from '@kbinlog/topology';
import { LeadershipMachine, type LeadershipState } from '../election/leadership-state';
import { CoordinatorError, CoordinatorErrorCode } from './coordinator-error';
import type { CoordinatorLog, LeaderElection, TopologyReader, TopologyRecorder } from './ports';

/**
 * Leading, and nothing else: the election says who may lead, the fenced writer makes it so. On
 * assignment it connects a fresh writer (fencing every earlier leader) and reads the topology to
 * its end before it acts; on losing the assignment or on any failed write it stops at once.
 */
export class Leadership {
  private readonly machine = new LeadershipMachine();
  private writer: TopologyRecorder | undefined;

  constructor(
    private readonly id: string,
    private readonly election: LeaderElection,
    private readonly recorder: () => TopologyRecorder,
    private readonly topology: TopologyReader,
    private readonly log: CoordinatorLog,
    /** Called once per term, when this instance starts to lead. */
    private readonly onLeading: (term: number) => void,
  ) {}

  get state(): LeadershipState {
    return this.machine.state;
  }

  get term(): number {
    return this.machine.term;
  }

  leads(term: number = this.machine.term): boolean {
    return this.machine.leads(term);
  }

  async start(): Promise<void> {
    await this.election.start({ elected: () => void this.elected(), deposed: (reason) => this.deposed(reason) });
  }

  async stop(): Promise<void> {
    this.machine.apply('stop');
    await this.election.stop().catch(() => undefined);
    await this.dropWriter();
  }

  /** Records `records` in one fenced transaction, then waits until the view shows them. */
  async write(term: number, ...records: TopologyRecord[]): Promise<void> {
    const writer = this.writer;
    if (!this.machine.leads(term) || !writer) throw new CoordinatorError(CoordinatorErrorCode.NotLeader, `coordinator ${this.id} no longer leads`);
    try {
      await writer.write(...records);
    } catch (error) {
      const fenced = isFencedError(error);
      this.log.error({ event: fenced ? 'coordinator.fenced' : 'coordinator.write_failed', error: String(error) }, fenced ? 'a newer leader fenced this coordinator: stepping down' : 'a topology write failed: stepping down');
      this.machine.apply('write_failed');
      void this.dropWriter();
      // Rejoining lets Kafka hand leadership to whoever it should go to, this instance included.
      void this.election.rejoin().catch((rejoinError: unknown) => this.log.error({ event: 'coordinator.rejoin_failed', error: String(rejoinError) }, 'could not rejoin the election'));
      throw new CoordinatorError(CoordinatorErrorCode.NotLeader, `coordinator ${this.id} lost leadership while recording: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.topology.catchUp();
  }

  private async elected(): Promise<void> {
    if (this.machine.state !== 'follower') return;
    this.machine.apply('assigned');
    const term = this.machine.term;
    this.log.info({ event: 'coordinator.elected', term }, 'assigned the election partition: fencing the previous leader');
    const writer = this.recorder();
    try {
      await writer.connect();
      await this.topology.catchUp();
    } catch (error) {
      await writer.disconnect().catch(() => undefined);
      if (!this.acquiring(term)) return;
      this.log.error({ event: 'coordinator.acquire_failed', term, error: String(error) }, 'could not take up leadership');
      this.machine.apply('write_failed');
      void this.election.rejoin().catch(() => undefined);
      return;
    }
    if (!this.acquiring(term)) {
      await writer.disconnect().catch(() => undefined);
      return;
    }
    this.writer = writer;
    this.machine.apply('writer_ready');
    this.log.info({ event: 'coordinator.leading', term }, 'leading the cluster');
    this.onLeading(term);
  }

  /** Still taking up leadership in `term` (not deposed or stopped meanwhile). */
  private acquiring(term: number): boolean {
    return this.machine.term === term && this.machine.state === 'acquiring';
  }

  private deposed(reason: string): void {
    if (this.machine.state !== 'acquiring' && this.machine.state !== 'leader') return;
    this.machine.apply('lost');
    this.log.warn({ event: 'coordinator.deposed', reason }, 'no longer leading');
    void this.dropWriter();
  }

  private async dropWriter(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    await writer?.disconnect().catch(() => undefined);
  }
}
