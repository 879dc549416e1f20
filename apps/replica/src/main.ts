import { runService } from '@kbinlog/service-runtime';
import { ReplicaModule } from './app/replica.module';
import { REPLICA_OPTIONS } from './app/replica-config';

void runService({
  service: 'replica',
  defaultHttpPort: 8082,
  options: REPLICA_OPTIONS,
  module: (config) => ReplicaModule.forConfig(config),
});
