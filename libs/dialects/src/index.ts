export * from './dialect.types';
export * from './json-guards';
export * from './openai/openai-chat.dialect';
export * from './openai/openai-chat.parse';
export * from './openai/openai-chat.render';
export * from './openai/openai-chat.stream';
export * from './openai/openai-models.render';
export * from './tool-call-id';
