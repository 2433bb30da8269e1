export { ProviderSimulator, type ProviderSimulatorOptions } from './simulator/provider-simulator';
export type { RecordedRequest } from './simulator/recorded-request.types';
export type {
  ScenarioMatch,
  SimulatedError,
  SimulatedFinishReason,
  SimulatedProvider,
  SimulatedToolCall,
  SimulatedUsage,
  SimulatorScenario,
} from './simulator/simulator-scenario.types';
export { DEFAULT_CONTENT, DEFAULT_SIGNATURE } from './simulator/simulated-turn';
export { irFixtures, toIrJson, type IrFixtures } from './fixtures/ir-fixtures';
export * from './fuzz/hostile-json.arbitrary';
export * from './fuzz/ir-wire.check';
export * from './webhook-receiver';
export { LocalOidcIssuer, type LocalSignOptions, type LocalSigningAlgorithm } from './oidc/local-oidc-issuer';
export { ECHO_MODEL } from './simulator/request-echo';
export { SIMULATED_AUDIO_BYTES_PER_SECOND, SIMULATED_PNG_BASE64 } from './simulator/openai-media.endpoint';
