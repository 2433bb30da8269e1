// `npm run health -- HOST:PORT [SERVICE]`: asks a Switchyard gRPC service the standard health
// question (grpc.health.v1.Health/Check, proto/grpc/health/v1/health.proto), as Kubernetes'
// grpc probes and grpc_health_probe do. SERVICE is "" (the whole process, the default) or the
// full name of the service it hosts: switchyard.auth.v1.AuthService, switchyard.router.v1.
// RouterService, switchyard.adapter.v1.AdapterService, switchyard.billing.v1.BillingService.
// Prints the status; exits 0 when SERVING, 1 otherwise.
import { Client, credentials, Metadata } from '@grpc/grpc-js';

const STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const [target, service = ''] = process.argv.slice(2);
if (!target) {
  console.error('usage: npm run health -- HOST:PORT [SERVICE]');
  process.exit(2);
}

// HealthCheckRequest { string service = 1 } and HealthCheckResponse { ServingStatus status = 1 }:
// small enough to encode by hand, so this tool needs no generated code.
const varint = (n) => {
  const out = [];
  for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
};
const encode = (name) => {
  const bytes = Buffer.from(name, 'utf8');
  return bytes.length ? Buffer.concat([Buffer.from([0x0a]), varint(bytes.length), bytes]) : Buffer.alloc(0);
};
const decode = (bytes) => (bytes.length >= 2 && bytes[0] === 0x08 ? bytes[1] : 0);

const client = new Client(target, credentials.createInsecure());
client.makeUnaryRequest('/grpc.health.v1.Health/Check', encode, decode, service, new Metadata(), { deadline: Date.now() + 3000 }, (error, status) => {
  client.close();
  if (error) {
    console.error(`${target}${service ? ` ${service}` : ''}: ${error.details || error.message}`);
    process.exit(1);
  }
  console.log(`${target}${service ? ` ${service}` : ''}: ${STATUS[status] ?? status}`);
  process.exit(status === 1 ? 0 : 1);
});
