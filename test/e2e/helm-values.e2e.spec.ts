import { MIN_ADMIN_TOKEN_LENGTH, MIN_TENANT_KEY_LENGTH } from '@switchyard/config';
import { CHART, helm, renderNotes, runHelm, valuesPath } from './support/helm-chart';

// Values that contradict each other or the gateway's own rules: refused at render time with what
// to change (or, where harmless, warned about in NOTES.txt), not left to fail at start.

const template = (file: string, set: string[]) => runHelm(['template', 'sy', CHART, '-f', valuesPath(file), ...set.flatMap((s) => ['--set', s])]);

describe('Helm chart values checks', () => {
  beforeAll(() => {
    helm();
  });

  describe('adapter.families against config.providers', () => {
    it('refuses a provider whose family has no adapter Deployment, naming the provider, the family and the key to change', () => {
      const r = template('region-eu-west', ['adapter.families={openai}']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('provider "claude-eu-west" (type anthropic) needs an adapter of family "anthropic", which adapter.families (openai) does not list');
      // azure-openai is served by the openai family's adapter (ADAPTER_FAMILY_OF).
      const azure = ['config.providers[0].id=az', 'config.providers[0].type=azure-openai', 'config.providers[0].baseUrl=https://x.openai.azure.com/openai', 'config.providers[0].apiKeys[0]=env:SWITCHYARD_UPSTREAM_AZ', 'upstreamKeys.values.SWITCHYARD_UPSTREAM_AZ=k'];
      expect(template('defaults', [...azure, 'adapter.families={openai}']).status).toBe(0);
      expect(template('defaults', [...azure, 'adapter.families={gemini}']).stderr).toContain('needs an adapter of family "openai"');
    });

    it('renders combined installs whatever adapter.families says: the standalone app serves every family', () => {
      expect(template('combined', ['adapter.families={gemini}']).status).toBe(0);
    });

    it('warns in NOTES.txt about adapters no provider uses, and not when every family is used', () => {
      expect(renderNotes([valuesPath('region-eu-west')])).not.toContain('WARNING');
      const idle = renderNotes([valuesPath('region-eu-west')], ['adapter.families={openai,anthropic,gemini}']);
      expect(idle).toContain('WARNING: adapter.families runs adapters no provider of config.providers uses (gemini)');
    });
  });

  describe('settings.usage.retentionDays', () => {
    // The env entry that follows the variable's name: `value: "90"` on the next line.
    const retentionOf = (out: string) => [...out.matchAll(/- name: SWITCHYARD_USAGE_RETENTION_DAYS\n\s+value: "(\d+)"/g)].map((m) => m[1]);

    it('gives billing (or standalone) SWITCHYARD_USAGE_RETENTION_DAYS, and nothing at 0 (keep forever)', () => {
      expect(retentionOf(template('defaults', ['settings.usage.retentionDays=90']).stdout)).toEqual(['90']);
      expect(retentionOf(template('combined', ['settings.usage.retentionDays=7']).stdout)).toEqual(['7']);
      expect(retentionOf(template('defaults', []).stdout)).toEqual([]);
    });

    it('refuses a negative period', () => {
      expect(template('defaults', ['settings.usage.retentionDays=-1']).stderr).toContain('retentionDays');
    });
  });

  describe('key lengths given inline', () => {
    it('refuses an admin token shorter than the ingress accepts, and takes one of the minimal length or none', () => {
      const short = template('defaults', [`adminToken.value=${'a'.repeat(MIN_ADMIN_TOKEN_LENGTH - 1)}`]);
      expect(short.stderr).toContain(`at '/adminToken/value': minLength: got ${MIN_ADMIN_TOKEN_LENGTH - 1}, want ${MIN_ADMIN_TOKEN_LENGTH}`);
      // One readable line, not an anyOf of two alternatives (the empty one included).
      expect(short.stderr).not.toContain('anyOf');
      expect(short.stderr).not.toContain('maxLength');
      expect(template('defaults', [`adminToken.value=${'a'.repeat(MIN_ADMIN_TOKEN_LENGTH)}`]).status).toBe(0);
      expect(template('defaults', ['adminToken.value=']).status).toBe(0);
    });

    it('refuses a tenant key shorter than switchyard.yaml accepts, and takes one of the minimal length', () => {
      const tenant = (key: string) => template('defaults', ['config.tenants[0].id=acme', 'config.tenants[0].keys[0].key=env:ACME_KEY', `tenantKeys.values.ACME_KEY=${key}`]);
      expect(tenant('sk-short').stderr).toContain(`at '/tenantKeys/values/ACME_KEY': minLength: got 8, want ${MIN_TENANT_KEY_LENGTH}`);
      expect(tenant('k'.repeat(MIN_TENANT_KEY_LENGTH)).status).toBe(0);
    });

    it('leaves keys held in an existingSecret to the processes (the chart cannot read them)', () => {
      expect(template('existing-secrets', []).status).toBe(0);
    });
  });

  describe('database URLs', () => {
    it('refuses a url together with an existingSecret, naming both keys', () => {
      for (const key of ['database', 'databaseRead']) {
        const both = template('defaults', [`${key}.url=postgresql://u:p@db:5432/sy`, `${key}.existingSecret=db`]);
        expect(both.status).not.toBe(0);
        expect(both.stderr).toContain(`${key}.url and ${key}.existingSecret are both set: set one`);
      }
    });

    it('refuses a url that is not postgres:// or postgresql:// without printing it, and takes both schemes', () => {
      const mysql = template('defaults', ['database.url=mysql://u:hunter2-pw@db/sy']);
      expect(mysql.stderr).toContain('database.url must start with postgres:// or postgresql://');
      expect(mysql.stderr).not.toContain('hunter2-pw');
      expect(template('defaults', ['databaseRead.url=http://replica:5432/sy']).stderr).toContain('databaseRead.url must start with postgres:// or postgresql://');
      expect(template('defaults', ['database.url=postgres://u:p@db:5432/sy', 'databaseRead.url=postgresql://u:p@replica:5432/sy']).status).toBe(0);
    });
  });

  describe('NOTES.txt', () => {
    it('tells how to read a tenant key of the config from where the values put it, and how to create one with the admin API', () => {
      const eu = renderNotes([valuesPath('region-eu-west')]);
      expect(eu).toContain("TENANT_KEY=$(kubectl get secret -n llm switchyard-tenants -o jsonpath='{.data.ACME_KEY}' | base64 -d)");
      expect(eu).toContain("ADMIN_TOKEN=$(kubectl get secret -n llm switchyard-admin -o jsonpath='{.data.SWITCHYARD_ADMIN_TOKEN}' | base64 -d)");
      expect(eu).toContain('curl -s $BASE/admin/v1/tenants/acme/keys -H "Authorization: Bearer $ADMIN_TOKEN"');
      const ha = renderNotes([valuesPath('ha')]);
      expect(ha).toContain("TENANT_KEY=$(helm get values -n llm sy -a -o json | jq -r '.tenantKeys.values.ACME_KEY')");
      expect(ha).toContain("-o jsonpath='{.data.SWITCHYARD_ADMIN_TOKEN}'");
      expect(ha).toContain('kubectl get secret -n llm sy-switchyard-secrets');
    });

    it('calls a model of the config with curl and the openai SDK, or says how to get a first key when there is none', () => {
      const eu = renderNotes([valuesPath('region-eu-west')]);
      expect(eu).toContain('"model":"gpt-4o-mini"');
      expect(eu).toContain('new OpenAI({ baseURL: process.env.BASE + "/v1", apiKey: process.env.TENANT_KEY })');
      const empty = renderNotes([valuesPath('defaults')]);
      expect(empty).toContain('none yet: add tenants to config.tenants');
      expect(empty).not.toContain('ADMIN_TOKEN=');
    });

    it('says the admin API is off for want of an admin token alone (the database is always required), and where it is when on', () => {
      expect(renderNotes([valuesPath('defaults')])).toContain('Admin API: off (set adminToken.value or adminToken.existingSecret to turn it on; the database is always set).');
      const on = renderNotes([valuesPath('region-eu-west')]);
      expect(on).toContain('Admin API: $BASE/admin/v1');
      expect(on).not.toContain('Admin API: off');
    });
  });
});
