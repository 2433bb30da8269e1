import { ADAPTER_FAMILIES, type AdapterFamily } from '@switchyard/providers';
import { normalizeOrigin } from '@switchyard/shared';
import { z } from 'zod';
import { ConfigError } from './config.error';
import { isIpRange } from './ip-range';
import { SecretBox } from './secrets/secret-box';
import { SECRET_KEYS_ENV } from './secrets/secret-keys.parser';

// Building blocks for environment schemas. Each takes the raw string and, when it is wrong,
// says what was expected and what was found, so the boot error names the fix.
// Empty values never reach these: loadProcessEnv treats them as unset.

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

export function envString() {
  return z.string();
}

/** A whole number in `[min, max]`, written in decimal digits only (no `1e3`, no `0x10`). */
export function envInteger(min: number, max?: number) {
  const expected = max === undefined ? `an integer ≥ ${min}` : `an integer ${min}-${max}`;
  return z.string().transform((raw, ctx) => {
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) return value;
    ctx.issues.push({ code: 'custom', input: raw, message: `expected ${expected}, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });
}

/** `true` or `false` (also `1` / `0`): the spellings compose files and Helm values use. */
export function envBoolean() {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    ctx.issues.push({ code: 'custom', input: raw, message: `expected true or false, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });
}

export function envPort() {
  return envInteger(1, 65_535);
}

export function envEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => `expected one of ${values.join(', ')}, got ${JSON.stringify(issue.input)}` });
}

/**
 * A URL whose scheme is one of `protocols` (`'redis:'`). The value is never echoed back, only
 * its scheme: connection URLs carry passwords and boot errors end up in logs.
 */
export function envUrl(...protocols: [string, ...string[]]) {
  const expected = protocols.map((protocol) => `${protocol}//`).join(' or ');
  return z.string().refine((raw) => URL.canParse(raw) && protocols.includes(new URL(raw).protocol), {
    error: (issue) => `expected a ${expected} URL, got ${describeUrl(issue.input)}`,
  });
}

/** A plain gRPC address: `host:port`, `[::1]:port` for IPv6. */
export function envHostPort() {
  return z.string().refine(isHostPort, { error: (issue) => `expected host:port, got ${JSON.stringify(issue.input)}` });
}

/**
 * A gRPC target as grpc-js resolves it: `host:port`, `dns:[//authority/]host:port` (a headless
 * Service, every address it resolves to) or a fixed list of replicas, `ipv4:a:p1,b:p2` /
 * `ipv6:[a]:p1,[b]:p2`; the channel balances round-robin over all of them.
 */
export function envGrpcTarget() {
  return z.string().refine(isGrpcTarget, { error: (issue) => `expected host:port or a gRPC target (dns:, ipv4:, ipv6:), got ${JSON.stringify(issue.input)}` });
}

/**
 * `openai=10.0.0.5:50053,anthropic=10.0.0.6:50054` → one adapter target per provider family.
 * A replica list continues across commas (`openai=ipv4:10.0.0.5:50053,10.0.0.7:50053`): a part
 * without `=` after an `ipv4:`/`ipv6:` target is one more address of it.
 */
export function envAdapterAddresses() {
  return z.string().transform((raw, ctx) => {
    const addresses: Partial<Record<AdapterFamily, string>> = {};
    const fail = (message: string) => ctx.issues.push({ code: 'custom', input: raw, message });
    for (const entry of adapterEntries(raw)) {
      const [family = '', address = ''] = entry.split('=', 2).map((part) => part.trim());
      if (!entry.includes('=') || !isGrpcTarget(address)) fail(`expected provider=host:port, got ${JSON.stringify(entry)}`);
      else if (!isAdapterFamily(family)) fail(`unknown provider "${family}", expected one of ${ADAPTER_FAMILIES.join(', ')}`);
      else if (addresses[family] !== undefined) fail(`provider "${family}" is listed twice`);
      else addresses[family] = address;
    }
    return addresses;
  });
}

/** `10.0.0.0/8, 192.168.1.1, fd00::/8` → the list; each entry an IP address or CIDR range. */
export function envIpRanges() {
  return z.string().transform((raw, ctx) => {
    const ranges = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
    for (const r of ranges) if (!isIpRange(r)) ctx.issues.push({ code: 'custom', input: raw, message: `expected IP addresses or CIDR ranges, got ${JSON.stringify(r)}` });
    return ranges;
  });
}

/** `eu-west, us-east` → the names; each an id (letters, digits, `-`, `_`), none twice. */
export function envNames() {
  return z.string().transform((raw, ctx) => {
    const names = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
    for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(n)) ctx.issues.push({ code: 'custom', input: raw, message: `expected names of letters, digits, - and _, got ${JSON.stringify(n)}` });
    if (new Set(names).size !== names.length) ctx.issues.push({ code: 'custom', input: raw, message: `a name is listed twice in ${JSON.stringify(raw)}` });
    return names;
  });
}

/** `https://app.example.com, http://localhost:5173` → the normalised origins (or `*`). */
export function envOrigins() {
  return z.string().transform((raw, ctx) => {
    const origins: string[] = [];
    for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      const origin = normalizeOrigin(part);
      if (origin === undefined) ctx.issues.push({ code: 'custom', input: raw, message: `expected origins such as https://app.example.com (scheme, host and port only) or *, got ${JSON.stringify(part)}` });
      else origins.push(origin);
    }
    return origins;
  });
}

/**
 * `k2:<base64 32 bytes>,k1:<base64 32 bytes>` → the {@link SecretBox} sealing with the first key
 * and opening with all; undefined when blank. Each bad entry is one problem naming it by
 * position and id, never echoing it (it may be the key itself).
 */
export function envSecretKeys() {
  const named = `${SECRET_KEYS_ENV}: `;
  return z.string().transform((raw, ctx) => {
    try {
      return SecretBox.fromEnv(raw);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // The loader names the variable itself; the raw value stays out of the issue.
      for (const problem of error.problems) ctx.issues.push({ code: 'custom', input: '[redacted]', message: problem.startsWith(named) ? problem.slice(named.length) : problem });
      return z.NEVER;
    }
  });
}

function isHostPort(value: string): boolean {
  const port = HOST_PORT.exec(value)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
}

const ADDRESS_LIST_SCHEME = /^ipv[46]:/;
const DNS_TARGET = /^dns:(?:\/\/[^/]*\/)?(.+)$/;

function isGrpcTarget(value: string): boolean {
  if (ADDRESS_LIST_SCHEME.test(value)) {
    const list = value.slice(value.indexOf(':') + 1).split(',');
    return list.every((address) => isIpHostPort(address, value.startsWith('ipv6:')));
  }
  const dns = DNS_TARGET.exec(value);
  return isHostPort(dns ? (dns[1] as string) : value);
}

function isIpHostPort(address: string, ipv6: boolean): boolean {
  if (!isHostPort(address)) return false;
  const host = address.slice(0, address.lastIndexOf(':'));
  return ipv6 ? host.startsWith('[') : /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

/** Splits on commas, rejoining the addresses of an `ipv4:`/`ipv6:` list to their entry. */
function adapterEntries(raw: string): string[] {
  const entries: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const last = entries.at(-1);
    const listOpen = last !== undefined && ADDRESS_LIST_SCHEME.test(last.slice(last.indexOf('=') + 1).trim());
    if (!part.includes('=') && listOpen) entries[entries.length - 1] = `${last},${part}`;
    else entries.push(part);
  }
  return entries;
}

function isAdapterFamily(value: string): value is AdapterFamily {
  return (ADAPTER_FAMILIES as readonly string[]).includes(value);
}

// `localhost:6379` parses as a URL with scheme `localhost:`; only `scheme://…` reads as one to a person.
function describeUrl(input: unknown): string {
  const protocol = typeof input === 'string' && URL.canParse(input) ? new URL(input).protocol : undefined;
  return protocol !== undefined && String(input).startsWith(`${protocol}//`) ? `a ${protocol}// URL` : 'a value that is not a URL';
}
