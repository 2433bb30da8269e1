import { ConfigError } from './config.error';
import { NO_REGION_CONFIG, resolvePeers } from './region-config.loader';
import { parseConfig } from './switchyard-config.loader';
import { configProblems } from './config-problems.testing';

// The `region` section of switchyard.yaml (issue 15): peers, readiness and spill-over.

const problemsOf = configProblems;

const peer = (name: string, extra = '') => `{ name: ${name}, url: 'https://${name}.gw.example.com', credential: env:SWITCHYARD_PEER_${name.toUpperCase().replace('-', '_')}${extra} }`;

describe('region section', () => {
  it('defaults to no peers, readiness on deployments off and spill-over off', () => {
    expect(parseConfig('', 'switchyard.yaml').region).toEqual({ peers: [], readiness: { minUsableModelShare: 0 }, spillover: { enabled: false } });
  });

  it('reads peers in order, the readiness share and spill-over', () => {
    const config = parseConfig(
      `server: { region: eu-west }\nregion:\n  readiness: { minUsableModelShare: 0.5 }\n  spillover: { enabled: true }\n  peers: [${peer('us-east')}, ${peer('ap-south')}]\n`,
      'switchyard.yaml',
    );
    expect(config.region).toEqual({
      peers: [
        { name: 'us-east', url: 'https://us-east.gw.example.com', credential: 'env:SWITCHYARD_PEER_US_EAST' },
        { name: 'ap-south', url: 'https://ap-south.gw.example.com', credential: 'env:SWITCHYARD_PEER_AP_SOUTH' },
      ],
      readiness: { minUsableModelShare: 0.5 },
      spillover: { enabled: true },
    });
  });

  it.each([
    ['a share above 1', `region: { readiness: { minUsableModelShare: 1.5 } }`, /region\.readiness\.minUsableModelShare: .*(<=1|1)/],
    ['a literal credential', `server: { region: a }\nregion: { peers: [{ name: b, url: 'https://b.example.com', credential: s3cret-s3cret }] }`, /region\.peers\[0\]\.credential: expected env:NAME/],
    ['a URL that is not http(s)', `server: { region: a }\nregion: { peers: [{ name: b, url: 'ftp://b.example.com', credential: env:P }] }`, /region\.peers\[0\]\.url: expected an http\(s\) URL/],
    ['peers without a region name', `region: { peers: [${peer('us-east')}] }`, /server\.region: required when region\.peers are declared/],
    ['a peer named like this region', `server: { region: us-east }\nregion: { peers: [${peer('us-east')}] }`, /region\.peers\[0\]\.name: "us-east" is this region/],
    ['the same peer twice', `server: { region: a }\nregion: { peers: [${peer('us-east')}, ${peer('us-east')}] }`, /region\.peers\[1\]\.name: duplicate peer region "us-east"/],
    ['spill-over without peers', `server: { region: a }\nregion: { spillover: { enabled: true } }`, /region\.spillover\.enabled: spill-over needs at least one entry in region\.peers/],
    ['an unknown key', `region: { spilover: { enabled: true } }`, /region.*spilover/],
  ])('refuses %s with a message naming the field', (_name, text, message) => {
    const problems = problemsOf(text);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

describe(resolvePeers.name, () => {
  const region = parseConfig(`server: { region: eu-west }\nregion: { peers: [${peer('us-east')}] }`, 'switchyard.yaml').region ?? NO_REGION_CONFIG;

  it('reads each link secret from the environment, the URL without a trailing slash', () => {
    const secret = 'x'.repeat(32);
    expect(resolvePeers(region, 'switchyard.yaml', { SWITCHYARD_PEER_US_EAST: secret })).toEqual([{ name: 'us-east', url: 'https://us-east.gw.example.com', credential: secret }]);
  });

  it.each([
    ['unset', {}, 'switchyard.yaml: region.peers[0].credential: environment variable SWITCHYARD_PEER_US_EAST is not set'],
    ['short', { SWITCHYARD_PEER_US_EAST: 'short-secret' }, 'switchyard.yaml: region.peers[0].credential: SWITCHYARD_PEER_US_EAST must be at least 32 characters; generate one, e.g. $(openssl rand -hex 24)'],
  ])('stops the start when the secret is %s, naming the variable and never the value', (_name, env, message) => {
    expect(() => resolvePeers(region, 'switchyard.yaml', env)).toThrow(new ConfigError([message]));
  });
});
