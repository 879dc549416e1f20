/** The parts of SHOW REPLICA STATUS (`GET /replica/status`) the bench reads. */
export interface ReplicaStatus {
  readonly Exec_Source_Log_Pos: string;
  readonly Read_Source_Log_Pos: string;
  readonly Replica_IO_Running: string;
  readonly Replica_SQL_Running: string;
  readonly Last_SQL_Error: string;
  readonly Last_IO_Error: string;
}

/** The parts of SHOW MASTER STATUS (`GET /status` on the source) the bench reads. */
export interface SourceStatus {
  /** One past the source's last group. */
  readonly Position: string;
  readonly Server_Id: number;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function sourceStatus(http: string): Promise<SourceStatus> {
  return call<SourceStatus>(`${http}/status`);
}

export function replicaStatus(http: string): Promise<ReplicaStatus> {
  return call<ReplicaStatus>(`${http}/replica/status`);
}

/** STOP REPLICA / START REPLICA (both threads). */
export function replicaControl(http: string, action: 'start' | 'stop'): Promise<ReplicaStatus> {
  return call<ReplicaStatus>(`${http}/replica/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
}
