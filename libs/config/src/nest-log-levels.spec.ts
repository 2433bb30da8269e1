import { nestLogLevels } from './nest-log-levels';

describe(nestLogLevels.name, () => {
  it.each([
    ['debug', ['debug', 'log', 'warn', 'error']],
    ['info', ['log', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('maps LOG_LEVEL=%s to the Nest levels at or above it', (level, expected) => {
    expect(nestLogLevels(level)).toEqual(expected);
  });
});
