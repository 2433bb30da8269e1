import type { IncomingHttpHeaders } from 'node:http';
import type { SimulatedTurn, WireVariant } from './simulated-turn';
import type { SimulatedError, SimulatedProvider, SimulatorScenario } from './simulator-scenario.types';

/**
 * One piece of a streamed answer. `delta` marks content-bearing events (text, thinking or
 * tool-argument fragments); the fault scenarios count those, not the structural events.
 */
export interface StreamFrame {
  readonly data: string;
  readonly delta: boolean;
}

/** What a validator or an endpoint sees of a request whose body parsed as a JSON object. */
export interface IncomingCall {
  readonly body: Readonly<Record<string, unknown>>;
  /** Body `model`, Azure deployment or Gemini path model. */
  readonly model: string;
  /** The path named the model (Azure deployment, Gemini), so the body need not. */
  readonly modelInPath: boolean;
  readonly headers: IncomingHttpHeaders;
  readonly variant: WireVariant;
}

/**
 * Refuses a request the real API would refuse, with the provider's 400, so a translator bug
 * fails a test instead of passing silently. Undefined when the request is acceptable.
 */
export type RequestValidator = (call: IncomingCall) => SimulatedError | undefined;

/** How one provider puts a simulated answer on the wire. Pure: no I/O. */
export interface ProviderWire {
  readonly provider: SimulatedProvider;
  /** The header the provider's SDK reads the request id from, if the provider sends one. */
  readonly requestIdHeader: string | undefined;
  readonly jsonContentType: string;
  readonly streamContentType: string;
  /** Chat request checks the real API makes. */
  readonly validate: RequestValidator;
  json(turn: SimulatedTurn): unknown;
  /** The full event sequence, terminator included. */
  stream(turn: SimulatedTurn): StreamFrame[];
  /** The provider's error body for an HTTP error response. */
  errorBody(error: SimulatedError, requestId: string): unknown;
  /**
   * The provider's in-stream error event; `sequenceNumber` is the number of events sent before
   * it, for wires that number their events (OpenAI Responses).
   */
  streamError(error: SimulatedError, sequenceNumber?: number): string;
  /** A malformed event: a data line whose JSON is cut off. */
  readonly garbage: string;
  /** Body for the model-listing endpoint. */
  models(): unknown;
  /** The HTTP error a `promptBlocked` scenario gets instead of an answer, where the API has one. */
  promptBlockedError?(variant: WireVariant): SimulatedError | undefined;
}

/** One answered request of a non-chat endpoint (embeddings, token counting). */
export interface EndpointCall extends IncomingCall {
  readonly scenario: SimulatorScenario;
  /** Per-simulator sequence number. */
  readonly seq: number;
}

/** A JSON-only endpoint beside chat: its checks and its answer. Pure: no I/O. */
export interface JsonEndpoint {
  readonly validate: RequestValidator;
  answer(call: EndpointCall): unknown;
}
