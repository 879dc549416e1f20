import { problem, type ProblemKind, sendProblem } from '@kbinlog/service-runtime';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { ReplicaControlError, ReplicaControlErrorCode } from '../replica-control-error';

/** The problems the replica controls answer beside the common ones (invalid-request, 415 …). */
export const REPLICA_PROBLEMS = {
  wrongCluster: { name: 'wrong-cluster', status: 400, title: 'Position in another cluster' },
  positionOutsideBinlog: { name: 'position-outside-binlog', status: 400, title: 'Position outside the binlog' },
  replicaRunning: { name: 'replica-running', status: 409, title: 'Replica is running' },
  appliedPositionOutsideBinlog: { name: 'applied-position-outside-binlog', status: 409, title: 'Applied position outside the binlog' },
  delayOutOfRange: { name: 'delay-out-of-range', status: 400, title: 'SOURCE_DELAY out of range' },
  fetcherUnavailable: { name: 'fetcher-unavailable', status: 503, title: 'Binlog unreachable' },
  shuttingDown: { name: 'shutting-down', status: 503, title: 'Shutting down' },
} as const satisfies Record<string, ProblemKind>;

/** The one place a control error becomes HTTP: a new code fails to compile until mapped here. */
export function controlProblemKind(code: ReplicaControlErrorCode): ProblemKind {
  switch (code) {
    case ReplicaControlErrorCode.ReplicaRunning:
      return REPLICA_PROBLEMS.replicaRunning;
    case ReplicaControlErrorCode.ApplierRunning:
      return REPLICA_PROBLEMS.replicaRunning;
    case ReplicaControlErrorCode.WrongCluster:
      return REPLICA_PROBLEMS.wrongCluster;
    case ReplicaControlErrorCode.PositionOutsideBinlog:
      return REPLICA_PROBLEMS.positionOutsideBinlog;
    case ReplicaControlErrorCode.AppliedPositionOutsideBinlog:
      return REPLICA_PROBLEMS.appliedPositionOutsideBinlog;
    case ReplicaControlErrorCode.DelayOutOfRange:
      return REPLICA_PROBLEMS.delayOutOfRange;
    case ReplicaControlErrorCode.FetcherUnavailable:
      return REPLICA_PROBLEMS.fetcherUnavailable;
    case ReplicaControlErrorCode.ShuttingDown:
      return REPLICA_PROBLEMS.shuttingDown;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped replica control error ${String(unmapped)}`);
    }
  }
}

/** On the replica controller: its refusals as problem JSON (every other error reaches ProblemFilter). */
@Catch(ReplicaControlError)
export class ReplicaControlErrorFilter implements ExceptionFilter<ReplicaControlError> {
  catch(error: ReplicaControlError, host: ArgumentsHost): void {
    sendProblem(host, problem(controlProblemKind(error.code), error.message));
  }
}
