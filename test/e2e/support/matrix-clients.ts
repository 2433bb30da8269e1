// One driver per client dialect (matrix-*.driver.ts), each speaking through that dialect's
// official SDK; the types and shared helpers are in matrix-client.types.ts.
import { type ClientDialect, type ClientDriver } from './matrix-client.types';
import { anthropicDriver } from './matrix-anthropic.driver';
import { geminiDriver } from './matrix-gemini.driver';
import { openAiDriver } from './matrix-openai.driver';

export type { Ask, ClientAnswer, ClientDialect, ClientDriver, ClientError, ClientToolCall, ClientUsage, Finish, ImageInput, ToolSpec, Turn } from './matrix-client.types';
export { anthropicDriver, geminiDriver, openAiDriver };

export function driverFor(dialect: ClientDialect, baseUrl: string): ClientDriver {
  switch (dialect) {
    case 'openai':
      return openAiDriver(baseUrl);
    case 'anthropic':
      return anthropicDriver(baseUrl);
    case 'gemini':
      return geminiDriver(baseUrl);
  }
}
