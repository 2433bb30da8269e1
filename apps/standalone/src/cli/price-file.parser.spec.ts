import { ConfigError } from '@switchyard/config';
import { parsePriceFile } from './price-file.parser';

function problemsOf(text: string, file: string): readonly string[] {
  try {
    parsePriceFile(text, file);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe(parsePriceFile.name, () => {
  it('reads the JSON shape, wrapped or as a bare list', () => {
    const rows = [{ model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, effectiveFrom: '2027-01-01T00:00:00Z' }];

    expect(parsePriceFile(JSON.stringify({ prices: rows }), 'prices.json')).toEqual(rows);
    expect(parsePriceFile(JSON.stringify(rows), 'prices')).toEqual(rows);
  });

  it('reads CSV with the header naming the fields in any order; an empty cell is absent', () => {
    const csv = 'outputPerMTok,model,inputPerMTok,cachedInputPerMTok\n0.6,gpt-4o-mini,0.15,\n\n15,claude-sonnet,3,0.3\n';

    expect(parsePriceFile(csv, 'prices.CSV')).toEqual([
      { model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6 },
      { model: 'claude-sonnet', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
    ]);
  });

  it('reports every bad row at once, by line in CSV and by index in JSON', () => {
    expect(problemsOf('model,inputPerMTok,outputPerMTok\nm1,-1,2\nm2,1\n', 'p.csv')).toEqual(['p.csv:3: 2 cells, but the header names 3']);
    expect(problemsOf('model,inputPerMTok,outputPerMTok\nm1,-1,2\nm 2,1,2\n', 'p.csv')).toEqual([
      'p.csv:2: inputPerMTok: Too small: expected number to be >=0',
      'p.csv:3: model: expected a model name without spaces',
    ]);
    expect(problemsOf(JSON.stringify({ prices: [{ model: 'm', inputPerMTok: 1 }] }), 'p.json')).toEqual(['p.json: prices[0].outputPerMTok: Invalid input: expected number, received undefined']);
  });

  it('reads the reasoning and batch rates', () => {
    const csv = 'model,inputPerMTok,outputPerMTok,reasoningPerMTok,batchInputPerMTok,batchOutputPerMTok\no3-mini,1.1,4.4,6,0.55,2.2\n';

    expect(parsePriceFile(csv, 'p.csv')).toEqual([{ model: 'o3-mini', inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 6, batchInputPerMTok: 0.55, batchOutputPerMTok: 2.2 }]);
  });

  it('refuses unknown columns and fields, and files that are not price files', () => {
    expect(problemsOf('model,input,outputPerMTok\n', 'p.csv')).toEqual(['p.csv:1: unknown column "input" (expected model, inputPerMTok, outputPerMTok, cachedInputPerMTok, cacheWritePerMTok, reasoningPerMTok, batchInputPerMTok, batchOutputPerMTok, effectiveFrom)']);
    expect(problemsOf('[{"model":"m","inputPerMTok":1,"outputPerMTok":2,"currency":"EUR"}]', 'p.json')[0]).toContain('p.json: prices[0]');
    expect(problemsOf('{"models": []}', 'p.json')).toEqual(['p.json: expected {"prices": [...]} or a list of prices']);
    expect(problemsOf('[]', 'p.json')).toEqual(['p.json: no prices']);
  });
});
