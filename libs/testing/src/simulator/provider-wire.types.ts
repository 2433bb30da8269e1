import type { SimulatedTurn } from './simulated-turn';
import type { SimulatedError, SimulatedProvider } from './simulator-scenario.types';

/**
 * One piece of a streamed answer. `delta` marks content-bearing events (text, thinking or
 * tool-argument fragments); the fault scenarios count those, not the structural events.
 */
export interface StreamFrame {
  readonly data: string;
  readonly delta: boolean;
}

/** How one provider puts a simulated answer on the wire. Pure: no I/O. */
export interface ProviderWire {
  readonly provider: SimulatedProvider;
  /** The header the provider's SDK reads the request id from, if the provider sends one. */
  readonly requestIdHeader: string | undefined;
  readonly jsonContentType: string;
  readonly streamContentType: string;
  json(turn: SimulatedTurn): unknown;
  /** The full event sequence, terminator included. */
  stream(turn: SimulatedTurn): StreamFrame[];
  /** The provider's error body for an HTTP error response. */
  errorBody(error: SimulatedError, requestId: string): unknown;
  /** The provider's in-stream error event. */
  streamError(error: SimulatedError): string;
  /** A malformed event: a data line whose JSON is cut off. */
  readonly garbage: string;
  /** Body for the model-listing endpoint. */
  models(): unknown;
}
