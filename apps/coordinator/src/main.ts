import { runService } from '@kbinlog/service-runtime';
import { CoordinatorModule } from './app/coordinator.module';

void runService({
  service: 'coordinator',
  defaultHttpPort: 8080,
  options: {},
  module: () => CoordinatorModule,
});
