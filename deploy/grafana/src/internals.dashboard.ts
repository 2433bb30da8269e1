import { METRICS } from '@switchyard/telemetry';
import type { SwitchyardDashboard } from './dashboard.builder';
import { PROCESS_SERIES as P, SCRAPE_SERIES } from './known-series';
import { timeSeries } from './panels';
import type { Row } from './panels';
import { quantile, rateOf, sel } from './promql';

const { grpcServerDuration: server, grpcClientDuration: client, usageQueueDepth, usageQueueOldestAge, usageRecords } = METRICS;
const J = ['job'] as const;
const SM = ['service', 'method'];
const PROC = '{{job}} {{instance}}';
const perProcess = (name: string) => `max by (job, instance) (${sel(name, J)})`;

const rows: Row[] = [
  {
    row: 'gRPC',
    panels: [
      timeSeries('Served calls p95', { description: 'gRPC calls served by auth, router, adapter and billing: 95th percentile by service and method.', unit: 's' }, [
        { expr: quantile(0.95, server, SM, J), legend: '{{service}}/{{method}}', key: true },
      ]),
      timeSeries('Served calls by status', { description: 'gRPC calls served per second by service, method and status code.', unit: 'reqps', stack: true }, [
        { expr: rateOf(`${server.name}_count`, [...SM, 'code'], J), legend: '{{service}}/{{method}} {{code}}' },
      ]),
      timeSeries('Client calls p95', { description: 'gRPC calls made by the ingress, router and auth: 95th percentile by service and method (the served time plus the network).', unit: 's' }, [
        { expr: quantile(0.95, client, SM, J), legend: '{{service}}/{{method}}', key: true },
      ]),
      timeSeries('Client calls failed', { description: 'gRPC calls made per second that ended with a status other than OK.', unit: 'reqps', stack: true }, [
        { expr: rateOf(`${client.name}_count`, [...SM, 'code'], J, ['code!="OK"']), legend: '{{service}}/{{method}} {{code}}' },
      ]),
    ],
  },
  {
    row: 'Usage queue',
    panels: [
      timeSeries('Usage queue depth', { description: 'Usage events waiting to be recorded (waiting, delayed and active). The SwitchyardUsageQueueBacklog alert fires above 1000 for 10 minutes.', unit: 'short', min: 0, width: 8 }, [
        { expr: `max (${sel(usageQueueDepth.name, J)})`, legend: 'depth', key: true },
      ]),
      timeSeries('Oldest usage event', { description: 'Age of the oldest usage event still waiting; the SwitchyardUsageQueueStale alert fires above 5 minutes.', unit: 's', min: 0, width: 8 }, [
        { expr: `max (${sel(usageQueueOldestAge.name, J)})`, legend: 'oldest', key: true },
      ]),
      timeSeries('Usage events handled', { description: 'Usage events billing handled per second: recorded, duplicate or rejected.', unit: 'reqps', stack: true, width: 8 }, [
        { expr: rateOf(usageRecords.name, ['result'], J), legend: '{{result}}', key: true },
      ]),
    ],
  },
  {
    row: 'Processes',
    panels: [
      timeSeries('Up', { description: '1 while Prometheus scrapes the process; the SwitchyardServiceDown alert fires after 2 minutes at 0.', unit: 'short', min: 0, max: 1 }, [
        { expr: sel(SCRAPE_SERIES.up, J), legend: PROC, key: true },
      ]),
      timeSeries('CPU', { description: 'CPU time per second (1 = one core busy).', unit: 'percentunit', min: 0 }, [
        { expr: rateOf(P.cpuSeconds, ['job', 'instance'], J), legend: PROC, key: true },
      ]),
      timeSeries('Resident memory', { description: 'Resident set size of each process.', unit: 'bytes', min: 0 }, [{ expr: perProcess(P.residentMemory), legend: PROC, key: true }]),
      timeSeries('Heap used', { description: 'V8 heap in use against its current size.', unit: 'bytes', min: 0 }, [
        { expr: perProcess(P.heapUsed), legend: `used ${PROC}` },
        { expr: perProcess(P.heapTotal), legend: `size ${PROC}` },
      ]),
      timeSeries('Event loop lag p99', { description: 'Event loop delay, 99th percentile over prom-client\'s sampling window: the hot path waits this long to run.', unit: 's', min: 0 }, [
        { expr: perProcess(P.eventLoopLagP99), legend: PROC, key: true },
      ]),
      timeSeries('Garbage collection', { description: 'Time spent in garbage collection per second, by kind.', unit: 'percentunit', min: 0 }, [
        { expr: rateOf(`${P.gcDuration}_sum`, ['job', 'instance', 'kind'], J), legend: `${PROC} {{kind}}` },
      ]),
      timeSeries('Open file descriptors', { description: 'Open file descriptors (sockets included) against the process limit.', unit: 'short', min: 0 }, [
        { expr: perProcess(P.openFds), legend: PROC },
        { expr: perProcess(P.maxFds), legend: `limit ${PROC}` },
      ]),
      timeSeries('Active handles', { description: 'Libuv handles alive (sockets, timers): a steady climb is a leak.', unit: 'short', min: 0 }, [{ expr: perProcess(P.activeHandles), legend: PROC }]),
    ],
  },
];

export const internals: SwitchyardDashboard = {
  uid: 'switchyard-internals',
  file: 'internals.json',
  title: 'Switchyard / Internals',
  description: 'The processes behind the gateway: gRPC between services, the usage queue into billing, and Node process metrics.',
  variables: ['datasource', 'job'],
  rows,
};
