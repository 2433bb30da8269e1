import type { ChatRequest, EmbedRequest } from '@switchyard/ir';
import { Role } from '@switchyard/ir';
import { compilePiiPolicy, mergePiiConfig } from './pii-policy';
import { PiiRedaction } from './pii-redaction';
import { PiiScanner } from './pii-scanner';
import { PlaceholderRestorer } from './placeholder-restorer';
import { redactChatRequest, redactEmbedRequest } from './request-redactor';

const scanner = new PiiScanner(compilePiiPolicy({ action: 'mask', custom: [{ name: 'ticket', pattern: 'TCK-\\d{4}' }] }));

function chat(): ChatRequest {
  return {
    model: 'm',
    system: [{ part: { $case: 'text', value: { text: 'Escalate to boss@corp.example', signature: '' } }, cacheControlJson: '' }],
    messages: [
      {
        role: Role.ROLE_USER,
        name: '',
        content: [
          { part: { $case: 'text', value: { text: 'I am jane@example.com, card 4111 1111 1111 1111, ticket TCK-1234', signature: '' } }, cacheControlJson: '' },
          { part: { $case: 'image', value: { url: 'https://x/jane@example.com.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' },
        ],
      },
      {
        role: Role.ROLE_ASSISTANT,
        name: '',
        content: [{ part: { $case: 'toolCall', value: { id: 'c1', name: 'mail', argumentsJson: '{"to":"jane@example.com"}', signature: '' } }, cacheControlJson: '' }],
      },
      {
        role: Role.ROLE_TOOL,
        name: '',
        content: [
          {
            part: { $case: 'toolResult', value: { callId: 'c1', name: 'mail', isError: false, content: [{ part: { $case: 'text', value: { text: 'sent from 10.1.2.3 to jane@example.com', signature: '' } }, cacheControlJson: '' }] } },
            cacheControlJson: '',
          },
        ],
      },
    ],
    tools: [],
    stream: false,
    includeUsage: false,
    droppedParams: [],
  };
}

describe(PiiRedaction.name, () => {
  it('masks every text of a chat request, the same value under the same placeholder', () => {
    const request = chat();
    const redaction = new PiiRedaction(scanner, true);
    redactChatRequest(request, redaction);
    const json = JSON.stringify(request);
    expect(request.system[0].part).toMatchObject({ value: { text: 'Escalate to [EMAIL_1]' } });
    expect(request.messages[0].content[0].part).toMatchObject({ value: { text: 'I am [EMAIL_2], card [CARD_1], ticket [TICKET_1]' } });
    expect(request.messages[1].content[0].part).toMatchObject({ value: { argumentsJson: '{"to":"[EMAIL_2]"}' } });
    expect(json).toContain('sent from [IP_1] to [EMAIL_2]');
    // Binary parts are left alone.
    expect(request.messages[0].content[1].part).toMatchObject({ value: { url: 'https://x/jane@example.com.png' } });
    expect([...redaction.categories]).toEqual(['email', 'card', 'ticket', 'ip']);
    expect(redaction.values.get('[EMAIL_2]')).toBe('jane@example.com');
    expect(redaction.values.get('[CARD_1]')).toBe('4111 1111 1111 1111');
  });

  it('never mints a placeholder the client typed, so restoring the answer leaves the literal as typed', () => {
    const request = chat();
    const typed = 'Fill in [EMAIL_1] and [EMAIL_2] in the template, then write to jane@example.com';
    request.messages[0].content[0] = { part: { $case: 'text', value: { text: typed, signature: '' } }, cacheControlJson: '' };
    // A literal in a later part (a tool result) reserves too: all texts are read before any is masked.
    request.messages[2].content[0] = { part: { $case: 'toolResult', value: { callId: 'c1', name: 'mail', isError: false, content: [{ part: { $case: 'text', value: { text: 'template: [EMAIL_3]', signature: '' } }, cacheControlJson: '' }] } }, cacheControlJson: '' };
    const redaction = new PiiRedaction(scanner, true);
    redactChatRequest(request, redaction);

    expect(request.system[0].part).toMatchObject({ value: { text: 'Escalate to [EMAIL_4]' } });
    expect(request.messages[0].content[0].part).toMatchObject({ value: { text: 'Fill in [EMAIL_1] and [EMAIL_2] in the template, then write to [EMAIL_5]' } });
    expect([...redaction.values.keys()]).toEqual(['[EMAIL_4]', '[EMAIL_5]']);
    // The model echoes the literals and the real placeholder: only what this request minted comes back as a value.
    const answer = new PlaceholderRestorer(redaction.values).restore('Done: [EMAIL_1], [EMAIL_2], [EMAIL_3]; mailed [EMAIL_5].');
    expect(answer).toBe('Done: [EMAIL_1], [EMAIL_2], [EMAIL_3]; mailed jane@example.com.');
  });

  it('reserves placeholder-shaped text the guardrails leave alone, such as tool definitions', () => {
    const request = chat();
    request.tools = [{ name: 'mail', description: 'Sends to [EMAIL_1]', parametersJson: '{"description":"[EMAIL_2]"}', strict: false, cacheControlJson: '' }];
    const redaction = new PiiRedaction(scanner, true);
    redactChatRequest(request, redaction);
    expect(request.system[0].part).toMatchObject({ value: { text: 'Escalate to [EMAIL_3]' } });
    expect(request.tools[0]?.description).toBe('Sends to [EMAIL_1]');
  });

  it('only records in find mode', () => {
    const request = chat();
    const redaction = new PiiRedaction(scanner, false);
    redactChatRequest(request, redaction);
    expect(request).toEqual(chat());
    expect(redaction.found).toBe(true);
    expect(redaction.values.size).toBe(0);
  });

  it('masks embeddings inputs', () => {
    const request: EmbedRequest = { model: 'e', inputs: [{ text: 'call +14155552671', tokens: [] }, { text: '', tokens: [1, 2] }], taskType: '', title: '', droppedParams: [] };
    redactEmbedRequest(request, new PiiRedaction(scanner, true));
    expect(request.inputs[0].text).toBe('call [PHONE_1]');
  });
});

describe(mergePiiConfig.name, () => {
  it("lets the key's fields override the tenant's", () => {
    expect(mergePiiConfig({ action: 'mask', restore: true, categories: ['email'] }, { action: 'block' })).toEqual({ action: 'block', restore: true, categories: ['email'], custom: undefined });
    expect(mergePiiConfig(undefined, { categories: ['card'] })).toBeUndefined();
    expect(mergePiiConfig({ action: 'detect' }, undefined)).toEqual({ action: 'detect' });
  });

  it('restores only when masking', () => {
    expect(compilePiiPolicy({ action: 'detect', restore: true }).restore).toBe(false);
    expect(compilePiiPolicy({ action: 'mask', restore: true }).restore).toBe(true);
  });
});
