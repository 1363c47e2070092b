import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  command: string;
  cpuMs: number;
}

function readStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces.
      const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      stats.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        command: raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')),
        cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return stats;
}

/**
 * CPU time (user + system, ms) used so far by a process and all its descendants, by command
 * name (`node`, `ferretdb`, `postgres`, …), from /proc; null where /proc is not available.
 * Benches take it around a scenario from the vitest main process, whose tree holds the app
 * (the worker), FerretDB and PostgreSQL: CPU per request is a figure that other work on the
 * machine does not inflate the way it inflates latency.
 */
export function processTreeCpuMs(root = process.ppid): Record<string, number> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stats = readStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byCommand: Record<string, number> = {};
  const queue = stats.filter((s) => s.pid === root);
  while (queue.length) {
    const next = queue.pop() as ProcStat;
    byCommand[next.command] = (byCommand[next.command] ?? 0) + next.cpuMs;
    queue.push(...(children.get(next.pid) ?? []));
  }
  return byCommand;
}

/** CPU per request between two processTreeCpuMs readings: the total and each command's part. */
export function cpuPerRequest(
  before: Record<string, number> | null,
  after: Record<string, number> | null,
  requests: number,
): Record<string, number> | null {
  if (!before || !after || requests === 0) return null;
  const perRequest: Record<string, number> = { total: 0 };
  for (const [command, ms] of Object.entries(after)) {
    const used = (ms - (before[command] ?? 0)) / requests;
    perRequest.total += used;
    perRequest[command] = Math.round(used * 10) / 10;
  }
  perRequest.total = Math.round(perRequest.total * 10) / 10;
  return perRequest;
}
