import type { ConfigChange } from '@switchyard/db';
import { formatConfigChanges } from './config-diff.format';

describe(formatConfigChanges.name, () => {
  it('shows the fields an update changes, old → new, and nothing else', () => {
    const change: ConfigChange = {
      entity: 'tenant',
      id: 'acme',
      action: 'update',
      before: { name: 'Acme', rpm: null, models: [], budget: { monthlyUsd: 500, dailyUsd: null } },
      after: { name: 'Acme', rpm: 600, models: ['gpt-4o-mini'], budget: { monthlyUsd: 750.5, dailyUsd: null } },
    };

    expect(formatConfigChanges([change], { dryRun: true })).toEqual([
      '~ tenant acme',
      '    rpm: null → 600',
      '    models: [] → ["gpt-4o-mini"]',
      '    budget.monthlyUsd: 500 → 750.5',
      '1 change (dry run), 0 unchanged',
    ]);
  });

  it('shows a change deep inside a mapping by its path, and a label added or removed as (none)', () => {
    const change: ConfigChange = {
      entity: 'key',
      id: 'acme/sk-sy-abcd1234',
      action: 'update',
      before: { metadata: { team: 'a', 'cost centre': 1 }, options: { timeouts: { firstTokenMs: 9000 } } },
      after: { metadata: { team: 'b', owner: 'alice' }, options: { timeouts: { firstTokenMs: 10000 } } },
    };

    expect(formatConfigChanges([change], { dryRun: false })).toEqual([
      '~ key acme/sk-sy-abcd1234',
      '    metadata.team: "a" → "b"',
      '    metadata["cost centre"]: 1 → (none)',
      '    metadata.owner: (none) → "alice"',
      '    options.timeouts.firstTokenMs: 9000 → 10000',
      '1 change, 0 unchanged',
    ]);
  });

  it('shows a mapping emptied as a whole', () => {
    const change: ConfigChange = { entity: 'tenant', id: 'acme', action: 'update', before: { metadata: { team: 'a' } }, after: { metadata: {} } };

    expect(formatConfigChanges([change], { dryRun: false })).toContain('    metadata.team: "a" → (none)');
  });

  it('lists what a create sets, skipping empty fields, and only names what a delete removes', () => {
    const changes: ConfigChange[] = [
      { entity: 'key', id: 'acme/sk-sy-abcd1234', action: 'create', after: { tenant: 'acme', name: null, models: [], rpm: 600, ips: ['10.0.0.0/8'], metadata: {} } },
      { entity: 'provider', id: 'p', action: 'create', after: { apiKeys: ['env:OPENAI_KEY', 'enc:v1:k1 (sealed)'], options: { version: '1' } } },
      { entity: 'deployment', id: 'm/p/x', action: 'delete', before: { weight: 1 } },
    ];

    expect(formatConfigChanges(changes, { dryRun: true })).toEqual([
      '+ key acme/sk-sy-abcd1234',
      '    tenant: "acme"',
      '    rpm: 600',
      '    ips: ["10.0.0.0/8"]',
      '+ provider p',
      '    apiKeys: ["env:OPENAI_KEY", "enc:v1:k1 (sealed)"]',
      '    options.version: "1"',
      '- deployment m/p/x',
      '3 changes (dry run), 0 unchanged',
    ]);
  });

  it('counts unchanged entities without listing them, except to pass on a note', () => {
    const changes: ConfigChange[] = [
      { entity: 'tenant', id: 'acme', action: 'unchanged' },
      { entity: 'key', id: 'acme/sk-sy-old0-a', action: 'unchanged', note: 'rotated to sk-sy-new0-a…: put the new one in the file' },
    ];

    expect(formatConfigChanges(changes, { dryRun: true })).toEqual([
      '! key acme/sk-sy-old0-a: rotated to sk-sy-new0-a…: put the new one in the file',
      '0 changes (dry run), 2 unchanged',
    ]);
  });
});
