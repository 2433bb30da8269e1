import { parseConfig } from './switchyard-config.loader';
import { loadSwitchyardEnv } from './switchyard-env.schema';
import { configProblems } from './config-problems.testing';

const problemsOf = configProblems;

describe('CORS origins in switchyard.yaml and the environment', () => {
  it('reads the server origins normalised, deduplicated, with the default max age', () => {
    const config = parseConfig('server: { cors: { origins: ["HTTPS://App.Example.com/", "https://app.example.com", "http://localhost:5173"] } }', 'switchyard.yaml');
    expect(config.server.cors).toEqual({ origins: ['https://app.example.com', 'http://localhost:5173'], maxAgeSeconds: 600 });
  });

  it("reads a tenant's own origins", () => {
    const config = parseConfig('tenants: [{ id: acme, cors: { origins: ["https://acme.example"] } }]', 'switchyard.yaml');
    expect(config.tenants[0]?.cors).toEqual({ origins: ['https://acme.example'] });
  });

  it('names a value that is not an origin, and a max age past what browsers keep', () => {
    expect(problemsOf('server: { cors: { origins: ["https://app.example.com/path"], maxAgeSeconds: 86400 } }')).toEqual([
      'switchyard.yaml: server.cors.origins[0]: expected an origin such as https://app.example.com (scheme, host and port only) or *',
      'switchyard.yaml: server.cors.maxAgeSeconds: expected at most 7200, got 86400',
    ]);
  });

  it('reads SWITCHYARD_CORS_ORIGINS as a list and SWITCHYARD_CORS_MAX_AGE_SECONDS within what browsers keep, naming a bad entry', () => {
    expect(loadSwitchyardEnv({ SWITCHYARD_CORS_ORIGINS: 'https://a.example, http://localhost:3000/' }).SWITCHYARD_CORS_ORIGINS).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(loadSwitchyardEnv({ SWITCHYARD_CORS_MAX_AGE_SECONDS: '300' }).SWITCHYARD_CORS_MAX_AGE_SECONDS).toBe(300);
    expect(() => loadSwitchyardEnv({ SWITCHYARD_CORS_MAX_AGE_SECONDS: '86400' })).toThrow(/SWITCHYARD_CORS_MAX_AGE_SECONDS/);
    expect(() => loadSwitchyardEnv({ SWITCHYARD_CORS_ORIGINS: 'a.example' })).toThrow(/SWITCHYARD_CORS_ORIGINS: expected origins such as https:\/\/app.example.com .*got "a.example"/);
  });
});
