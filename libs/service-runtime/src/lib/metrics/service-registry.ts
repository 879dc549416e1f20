import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ServiceIdentity } from '../service-identity';

/**
 * The metrics registry of one service process: Node.js's process metrics (CPU, memory, event
 * loop, GC) and `kbinlog_build_info`. Each process (and each test) gets its own, never
 * prom-client's global one, so two services in one process never share a counter. The code that
 * measures something registers its metrics here (docs/metrics.md lists them).
 */
export function serviceRegistry(identity: ServiceIdentity): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'kbinlog_build_info',
    help: 'Always 1; the labels say which kbinlog service and version this process runs.',
    labelNames: ['service', 'version'] as const,
    registers: [registry],
  }).set({ service: identity.service, version: identity.version }, 1);
  return registry;
}
