import { spawnSync } from 'node:child_process';

// Bytes a process moved over its TCP connections, from the kernel's own counters (`ss -tinp`,
// tcp_info bytes_received / bytes_acked). The fault tests treat the services as black boxes:
// this is how they see that calls reach a restarted replica again without asking it.

export interface SocketFilter {
  /** Only sockets of this process (needs root, or the same user, to see other processes' sockets). */
  readonly pid?: number;
  /** Only connections accepted on this local port (a server's inbound calls). */
  readonly localPort?: number;
  /** Only connections to this remote port (a client's calls, e.g. to Postgres). */
  readonly peerPort?: number;
}

export interface SocketBytes {
  readonly received: number;
  readonly sent: number;
  readonly connections: number;
}

/** Sums the counters of the established TCP connections that match `filter`. */
export function socketBytes(filter: SocketFilter): SocketBytes {
  const result = spawnSync('ss', ['-tinpH', 'state', 'established'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ss failed: ${result.stderr}`);
  let received = 0;
  let sent = 0;
  let connections = 0;
  // One socket is a line of addresses and owner, then an indented line of tcp_info.
  const lines = result.stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i] ?? '';
    if (head === '' || /^\s/.test(head)) continue;
    const info = /^\s/.test(lines[i + 1] ?? '') ? (lines[++i] ?? '') : '';
    const [, , local = '', peer = ''] = head.trim().split(/\s+/);
    if (filter.localPort !== undefined && portOf(local) !== filter.localPort) continue;
    if (filter.peerPort !== undefined && portOf(peer) !== filter.peerPort) continue;
    if (filter.pid !== undefined && !head.includes(`pid=${filter.pid},`)) continue;
    connections++;
    received += counter(info, 'bytes_received');
    sent += counter(info, 'bytes_acked');
  }
  return { received, sent, connections };
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function counter(info: string, name: string): number {
  const match = new RegExp(`\\b${name}:(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}
