import { MediaOperation, type MediaRequest } from '@switchyard/ir';
import { PiiRedaction } from './pii-redaction';
import { compilePiiPolicy } from './pii-policy';
import { PiiScanner } from './pii-scanner';
import { redactMediaRequest } from './request-redactor';

const scanner = new PiiScanner(compilePiiPolicy({ action: 'mask' }));
const media = (operation: MediaOperation, fields: Record<string, unknown>): MediaRequest => ({ model: 'm', operation, fieldsJson: JSON.stringify(fields), file: Buffer.alloc(0), fileName: '', fileType: '' });

describe(redactMediaRequest.name, () => {
  it("masks an image's prompt and speech's input, and leaves the other relayed fields as sent", () => {
    const image = media(MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, { prompt: 'a card for jane@example.com', size: '1024x1024', user: 'jane@example.com' });
    const speech = media(MediaOperation.MEDIA_OPERATION_SPEECH, { input: 'call +14155550123', voice: 'alloy' });

    redactMediaRequest(image, new PiiRedaction(scanner, true));
    redactMediaRequest(speech, new PiiRedaction(scanner, true));

    expect(JSON.parse(image.fieldsJson)).toEqual({ prompt: 'a card for [EMAIL_1]', size: '1024x1024', user: 'jane@example.com' });
    expect(JSON.parse(speech.fieldsJson)).toEqual({ input: 'call [PHONE_1]', voice: 'alloy' });
  });

  it("finds without rewriting when the action does not mask, and scans a transcription's prompt only", () => {
    const image = media(MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, { prompt: 'jane@example.com' });
    const detect = new PiiRedaction(scanner, false);
    const transcription = media(MediaOperation.MEDIA_OPERATION_TRANSCRIPTION, { language: 'en' });
    const nothing = new PiiRedaction(scanner, true);

    redactMediaRequest(image, detect);
    redactMediaRequest(transcription, nothing);

    expect(detect.found).toBe(true);
    expect([...detect.categories]).toEqual(['email']);
    expect(JSON.parse(image.fieldsJson)).toEqual({ prompt: 'jane@example.com' });
    expect(nothing.found).toBe(false);
    expect(transcription.fieldsJson).toBe('{"language":"en"}');
  });
});
