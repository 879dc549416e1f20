import { ReplicaControl } from '@kbinlog/replica-feature';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { logStartFailure } from './replica-node';
import { ReplicaPresence } from './replica-presence';

/**
 * Once the node is open (every onModuleInit ran), before the HTTP API listens: START REPLICA,
 * then report to the topology. An applied position outside the binlog leaves replication
 * stopped for the operator; any other failure stops the service.
 */
@Injectable()
export class ReplicaBoot implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReplicaBoot');

  constructor(
    private readonly control: ReplicaControl,
    private readonly presence: ReplicaPresence,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.control.startAtBoot();
    } catch (error) {
      logStartFailure(this.logger, error);
      throw error;
    }
    this.presence.announceWhenListening();
  }
}
