import { runService } from '@kbinlog/service-runtime';
import { COORDINATOR_OPTIONS } from './app/coordinator-config';
import { CoordinatorModule } from './app/coordinator.module';

void runService({
  service: 'coordinator',
  defaultHttpPort: 8080,
  options: COORDINATOR_OPTIONS,
  module: (config) => CoordinatorModule.forConfig(config),
});
