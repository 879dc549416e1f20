import type { Provider, Type } from '@nestjs/common';
import { ReplicaController } from './http/replica.controller';
import { ReplicaControl } from './replica-control';
import { REPLICA_HOST, type ReplicaHost } from './replica-host';

/**
 * What a node service's module adds to serve the replica controls: the controller, ReplicaControl
 * and its own node (already one of its providers) as REPLICA_HOST.
 */
export function replicaControls(host: Type<ReplicaHost>): { controllers: Type[]; providers: Provider[] } {
  return { controllers: [ReplicaController], providers: [{ provide: REPLICA_HOST, useExisting: host }, ReplicaControl] };
}
