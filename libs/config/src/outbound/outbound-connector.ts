import { OUTBOUND_SETTINGS, type OutboundPolicy } from './outbound-policy.types';
import { refuseAddress, refuseHost } from './upstream-host.rules';
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { buildConnector } from 'undici';

/** The `code` of a connection the outbound policy refused. */
export const OUTBOUND_REFUSED = 'ERR_SWITCHYARD_OUTBOUND_REFUSED';

/**
 * A connection the outbound policy refused. The message is fixed (what reaches a tenant must
 * not map the operator's network); `reason` says which rule, never which address, for logs.
 */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = OUTBOUND_REFUSED;

  constructor(readonly reason: string) {
    super("the gateway's outbound policy refused the upstream's address");
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The undici connector of the adapter's Agent (and of the notifier's webhook calls), enforcing the outbound policy (docs/architecture.md
 * §4, "Outbound policy") on
 * every new connection: the scheme, an IP written in the URL, and every address DNS answers for
 * a host name — all of them, so a name that resolves (or is rebound) to a metadata or private
 * address between the write-time check and the call cannot reach it. `policy` is the one the
 * process validated at boot (SWITCHYARD_OUTBOUND_*); nothing here reads the environment.
 */
export function outboundConnector(options: buildConnector.BuildOptions, policy: OutboundPolicy, resolve: typeof dnsLookup = dnsLookup): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: guardedLookup(policy, resolve) });
  return (opts, callback) => {
    const refused =
      opts.protocol === 'http:' && !policy.allowHttp ? `http: is refused unless ${OUTBOUND_SETTINGS.allowHttp}=true` : refuseHost(opts.hostname, policy);
    if (refused !== undefined) {
      process.nextTick(callback, new OutboundRefusedError(refused), null);
      return;
    }
    connect(opts, callback);
  };
}

/** dns.lookup, refusing the whole answer when any address in it is forbidden. */
function guardedLookup(policy: OutboundPolicy, resolve: typeof dnsLookup) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, []);
        return;
      }
      for (const { address } of addresses) {
        const refused = refuseAddress(address, policy);
        if (refused !== undefined) {
          callback(new OutboundRefusedError(`the host name resolved to an address that is refused (${refused})`), []);
          return;
        }
      }
      const [first] = addresses;
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    });
  };
}
