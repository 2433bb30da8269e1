import { messageBatchLineHeaders, storedLineHeaders } from './message-batch-headers';

// What a Message Batch keeps of its create request's headers for its lines (docs/configuration.md,
// "Vendor headers"): the Anthropic allowlist, without the batch API's own beta.

describe(messageBatchLineHeaders.name, () => {
  it("keeps the SDK's betas for the lines and leaves out the batch API's own", () => {
    // As `client.beta.messages.batches.create({ betas: [...] })` sends them.
    const kept = messageBatchLineHeaders({
      'anthropic-beta': 'output-128k-2025-02-19,interleaved-thinking-2025-05-14,message-batches-2024-09-24',
      'anthropic-version': '2023-06-01',
    });

    expect(kept).toEqual([
      { name: 'anthropic-beta', value: 'output-128k-2025-02-19,interleaved-thinking-2025-05-14' },
      { name: 'anthropic-version', value: '2023-06-01' },
    ]);
  });

  it('drops anthropic-beta when it named only the batch API (any message-batches-* version)', () => {
    expect(messageBatchLineHeaders({ 'anthropic-beta': 'message-batches-2024-09-24', 'anthropic-version': '2023-06-01' })).toEqual([{ name: 'anthropic-version', value: '2023-06-01' }]);
    expect(messageBatchLineHeaders({ 'anthropic-beta': ' message-batches-2030-01-01 , ' })).toEqual([]);
  });

  it('keeps nothing but the allowlist: not the credential, not another dialect\'s headers', () => {
    expect(messageBatchLineHeaders({ 'x-api-key': 'sk-ant-secret', authorization: 'Bearer sk', 'openai-beta': 'assistants=v2', 'anthropic-beta': 'a-1' })).toEqual([{ name: 'anthropic-beta', value: 'a-1' }]);
  });
});

describe(storedLineHeaders.name, () => {
  it('reads back what was stored and leaves out anything not a header', () => {
    expect(storedLineHeaders(null)).toEqual([]);
    expect(storedLineHeaders({ 'anthropic-beta': 'x' })).toEqual([]);
    expect(storedLineHeaders([{ name: 'anthropic-beta', value: 'a-1' }, { name: 'anthropic-version' }, 'x', null])).toEqual([{ name: 'anthropic-beta', value: 'a-1' }]);
  });
});
