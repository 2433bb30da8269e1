import { ConfigError } from './config.error';
import { parseConfig } from './switchyard-config.loader';

describe('configOwnership in switchyard.yaml', () => {
  it('defaults to file and reads seed', () => {
    expect(parseConfig('{}', 'switchyard.yaml').configOwnership).toBe('file');
    expect(parseConfig('configOwnership: seed', 'switchyard.yaml').configOwnership).toBe('seed');
  });

  it('names a value that is neither', () => {
    expect(() => parseConfig('configOwnership: mine', 'switchyard.yaml')).toThrow(ConfigError);
    expect(() => parseConfig('configOwnership: mine', 'switchyard.yaml')).toThrow(/configOwnership/);
  });
});
