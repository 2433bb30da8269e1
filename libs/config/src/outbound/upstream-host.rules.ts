import { isIP } from 'node:net';
import { ALWAYS_REFUSED, classifyAddress, describeAddressClass } from './address-class';
import { OUTBOUND_SETTINGS, type OutboundPolicy } from './outbound-policy.types';

// Names that reach a cloud's instance metadata service without its IP address: GCP
// (`metadata.google.internal`, `metadata.goog`, and the short `metadata` inside a VPC) and AWS
// (`instance-data`, `instance-data.ec2.internal`). Their addresses are refused anyway once
// resolved; refusing the names too gives the operator the reason at write time.
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Why `address` (an IP, as DNS answered or as written) may not be an upstream under `policy`,
 * or undefined when it may. Never names the address: the message reaches logs and, at write
 * time, the operator who typed it.
 */
export function refuseAddress(address: string, policy: OutboundPolicy): string | undefined {
  const kind = classifyAddress(address);
  if (kind === undefined || kind === 'public') return undefined;
  if (ALWAYS_REFUSED.has(kind)) return `${describeAddressClass(kind)} is never an upstream`;
  if (policy.allowPrivate) return undefined;
  return `${describeAddressClass(kind)} is refused unless ${OUTBOUND_SETTINGS.allowPrivate}=true`;
}

/**
 * Why the host of a URL (`new URL(…).hostname`: lower-cased, IPv4 in dotted form, IPv6 in
 * brackets) may not be an upstream. Host names other than the metadata and `localhost` ones are
 * judged by what they resolve to, at connect time.
 */
export function refuseHost(hostname: string, policy: OutboundPolicy): string | undefined {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (isIP(host)) return refuseAddress(host, policy);
  if (METADATA_HOSTS.has(host)) return 'a cloud metadata host is never an upstream';
  // RFC 6761: localhost and every name under it are the local host.
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowPrivate) {
    return `a loopback host is refused unless ${OUTBOUND_SETTINGS.allowPrivate}=true`;
  }
  return undefined;
}
