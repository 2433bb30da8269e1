// One driver per client dialect (matrix-*.driver.ts), each speaking through that dialect's
// official SDK; the types and shared helpers are in matrix-client.types.ts.
import { type ClientDialect, type ClientDriver } from './matrix-client.types';
import { MATRIX_KEY } from './matrix-config';
import { anthropicDriver } from './matrix-anthropic.driver';
import { geminiDriver } from './matrix-gemini.driver';
import { openAiDriver } from './matrix-openai.driver';
import { responsesDriver } from './matrix-responses.driver';

export type { Ask, ClientAnswer, ClientDialect, ClientDriver, ClientError, ClientToolCall, ClientUsage, Finish, ImageInput, ToolSpec, Turn } from './matrix-client.types';
export { anthropicDriver, geminiDriver, openAiDriver, responsesDriver };

/** The dialect's driver, with the matrix's key or another of the same config's. */
export function driverFor(dialect: ClientDialect, baseUrl: string, apiKey = MATRIX_KEY): ClientDriver {
  switch (dialect) {
    case 'openai':
      return openAiDriver(baseUrl, apiKey);
    case 'anthropic':
      return anthropicDriver(baseUrl, apiKey);
    case 'gemini':
      return geminiDriver(baseUrl, apiKey);
    case 'responses':
      return responsesDriver(baseUrl, apiKey);
  }
}
