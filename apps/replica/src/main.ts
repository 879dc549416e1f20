import { runService } from '@kbinlog/service-runtime';
import { ReplicaModule } from './app/replica.module';

void runService({
  service: 'replica',
  defaultHttpPort: 8082,
  options: {},
  module: () => ReplicaModule,
});
