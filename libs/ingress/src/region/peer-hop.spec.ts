import { ErrorKind, IrError } from '@switchyard/ir';
import { HOP_HEADER, PEER_CLIENT_IP_HEADER, PEER_CREDENTIAL_HEADER, PEER_KEY_HASH_HEADER, verifiedHop } from './peer-hop';
import { PeerSpill } from './peer-spill';

const SECRET = 'peer-link-secret-0123456789abcdef0123456789';
const PEERS = [
  { name: 'beta', url: 'http://beta.example', credential: SECRET },
  { name: 'gamma', url: 'http://gamma.example', credential: `${SECRET}-gamma` },
];
const HASH = 'a'.repeat(64);

describe(verifiedHop.name, () => {
  it('is undefined for a request that claims no hop', () => {
    expect(verifiedHop({ authorization: 'Bearer sk-x' }, PEERS)).toBeUndefined();
  });

  it("believes the key hash and client address of a hop with the named peer's secret", () => {
    const headers = { [HOP_HEADER]: 'beta', [PEER_CREDENTIAL_HEADER]: SECRET, [PEER_KEY_HASH_HEADER]: HASH, [PEER_CLIENT_IP_HEADER]: '203.0.113.7' };

    expect(verifiedHop(headers, PEERS)).toEqual({ from: 'beta', keyHash: HASH, clientIp: '203.0.113.7' });
  });

  it.each([
    ['another peer\'s secret', { [HOP_HEADER]: 'beta', [PEER_CREDENTIAL_HEADER]: `${SECRET}-gamma`, [PEER_KEY_HASH_HEADER]: HASH }],
    ['an unknown peer', { [HOP_HEADER]: 'delta', [PEER_CREDENTIAL_HEADER]: SECRET, [PEER_KEY_HASH_HEADER]: HASH }],
    ['no secret', { [HOP_HEADER]: 'beta', [PEER_KEY_HASH_HEADER]: HASH }],
    ['a malformed key hash', { [HOP_HEADER]: 'beta', [PEER_CREDENTIAL_HEADER]: SECRET, [PEER_KEY_HASH_HEADER]: 'sk-the-key-itself' }],
  ])('refuses %s as an authentication failure (401)', (_name, headers) => {
    const thrown = (() => {
      try {
        verifiedHop(headers, PEERS);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(IrError);
    expect((thrown as IrError).kind).toBe(ErrorKind.ERROR_KIND_AUTHENTICATION);
  });

  it('refuses any hop where no peer is configured', () => {
    expect(() => verifiedHop({ [HOP_HEADER]: 'beta', [PEER_CREDENTIAL_HEADER]: SECRET, [PEER_KEY_HASH_HEADER]: HASH }, [])).toThrow(/needs the credential/);
  });
});

describe(PeerSpill.name, () => {
  const sut = new PeerSpill('alpha', PEERS);

  it('offers the peers in order to a tenant without regions, and only its regions to one with', () => {
    expect(sut.candidates({ hop: undefined, allowedRegions: [] }).map((p) => p.name)).toEqual(['beta', 'gamma']);
    expect(sut.candidates({ hop: undefined, allowedRegions: ['alpha', 'gamma'] }).map((p) => p.name)).toEqual(['gamma']);
    expect(sut.candidates({ hop: undefined, allowedRegions: ['alpha'] })).toEqual([]);
  });

  it('never offers a peer to a request that already hopped', () => {
    expect(sut.candidates({ hop: { from: 'beta', keyHash: HASH, clientIp: undefined }, allowedRegions: [] })).toEqual([]);
  });
});
