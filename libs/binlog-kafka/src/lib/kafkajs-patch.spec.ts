import { createRequire } from 'node:module';

/** The part of kafkajs' per-connection request queue that patches/kafkajs+2.2.4.patch changes. */
interface RequestQueue {
  throttledUntil: number;
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueue;

const RequestQueueOf = createRequire(__filename)('kafkajs/src/network/requestQueue') as RequestQueueClass;
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('binlog-kafka > the kafkajs patch (idle connections arm no timer)', () => {
  const queues: RequestQueue[] = [];
  const queue = () => {
    const created = new RequestQueueOf({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: true, clientId: 'spec', broker: 'spec:9092', logger: () => logger });
    queues.push(created);
    return created;
  };

  afterEach(() => {
    for (const created of queues.splice(0)) if (created.throttleCheckTimeoutId) clearTimeout(created.throttleCheckTimeoutId);
  });

  it('arms nothing when nothing is pending and nothing throttles (unpatched: a 1 ms loop per connection)', () => {
    const idle = queue();
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks again when the broker throttles the connection', () => {
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });
});
