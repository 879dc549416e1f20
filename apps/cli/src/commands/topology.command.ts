import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { askCoordinator, coordinatorOption } from '../support/coordinator-api';
import { asRecord } from '../support/service-api';

interface TopologyNode {
  readonly node: string;
  readonly role: string;
  readonly serverId: number;
  readonly healthy: boolean;
  readonly appliedOffset: string;
  readonly appliedAgeMs: number | null;
  readonly promotionRule: string;
}

const COLUMNS = ['NAME', 'ROLE', 'SERVER_ID', 'HEALTHY', 'POSITION', 'LAG_MS', 'RULE'];

function table(rows: readonly string[][]): string {
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

/** `kbinlog topology`: every node as the coordinator sees it (GET /topology). */
export function topologyCommand(io: CliIo = processIo): Command {
  return new Command('topology')
    .description('list every node: role, server_id, health, applied position, lag and promotion rule')
    .addOption(coordinatorOption())
    .option('--json', 'print JSON')
    .action(async (options: { coordinator: string[]; json?: boolean }) => {
      const topology = asRecord(await askCoordinator(options.coordinator, '/topology'), 'topology');
      if (options.json) {
        io.out(`${JSON.stringify(topology, null, 2)}\n`);
        return;
      }
      const nodes = (Array.isArray(topology['nodes']) ? topology['nodes'] : []) as TopologyNode[];
      const source = topology['source'] as { node?: string; generation?: number } | null;
      const coordinator = topology['coordinator'] as { id?: string; leader?: boolean } | undefined;
      const rows = [COLUMNS, ...nodes.map((node) => [node.node, node.role, String(node.serverId), node.healthy ? 'yes' : 'no', node.appliedOffset, node.appliedAgeMs === null ? '-' : String(node.appliedAgeMs), node.promotionRule])];
      io.out(
        `cluster ${String(topology['cluster'])}, source ${source?.node ?? '-'} (generation ${source?.generation ?? '-'}), asked ${coordinator?.id ?? '?'}${coordinator?.leader ? ' (leader)' : ''}\n\n${table(rows)}\n`,
      );
    });
}
