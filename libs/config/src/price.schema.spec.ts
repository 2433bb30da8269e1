import { parseConfig } from './switchyard-config.loader';
import { configProblems } from './config-problems.testing';

// Prices in switchyard.yaml (issue 16): every rate, the deployments' upstream cost, the tenants' multiplier.
const file = (deployment: string, price: string, tenant = '') => `
providers: [{ id: openai-main, type: openai, baseUrl: "https://api.openai.com/v1" }]
models:
  - name: o-mini
    deployments: [{ provider: openai-main, model: o-mini-2026, ${deployment} }]
    price: ${price}
tenants: [{ id: acme, ${tenant} }]
`;
const PRICE = '{ inputPerMTok: 1.1, outputPerMTok: 4.4 }';

describe('prices in switchyard.yaml', () => {
  it('reads reasoning and batch rates, a deployment cost and a tenant multiplier', () => {
    const config = parseConfig(
      file('cost: { inputPerMTok: 1, outputPerMTok: 4, batchInputPerMTok: 0.5 }', '{ inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 6, batchInputPerMTok: 0.55, batchOutputPerMTok: 2.2 }', 'priceMultiplier: 0.8'),
      'switchyard.yaml',
    );

    expect(config.models[0]?.price).toEqual({ inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 6, batchInputPerMTok: 0.55, batchOutputPerMTok: 2.2 });
    expect(config.models[0]?.deployments[0]?.cost).toEqual({ inputPerMTok: 1, outputPerMTok: 4, batchInputPerMTok: 0.5 });
    expect(config.tenants[0]?.priceMultiplier).toBe(0.8);
  });

  it.each([
    ['a deployment with both cost and price', file(`cost: ${PRICE}, price: ${PRICE}`, PRICE), 'models[0].deployments[0].price: give cost or price (its older name), not both'],
    ['a negative multiplier', file('weight: 1', PRICE, 'priceMultiplier: -1'), 'tenants[0].priceMultiplier: expected at least 0, got -1'],
    ['a negative reasoning rate', file('weight: 1', '{ inputPerMTok: 1, outputPerMTok: 1, reasoningPerMTok: -2 }'), 'models[0].price.reasoningPerMTok: expected at least 0, got -2'],
    ['a misspelt batch rate', file('weight: 1', '{ inputPerMTok: 1, outputPerMTok: 1, batchPerMTok: 2 }'), 'models[0].price.batchPerMTok: unknown key'],
  ])('names the path of %s', (_, text, expected) => {
    expect(configProblems(text)).toEqual([`switchyard.yaml: ${expected}`]);
  });
});
