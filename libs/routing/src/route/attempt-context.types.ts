import type { Attempt, ErrorEvent, ResponseEvent } from '@switchyard/ir';
import type { Context } from '@switchyard/telemetry';
import type { DeploymentEntry, ModelEntry } from '../catalogue.types';

/**
 * One request as the route loop serves it, whatever the call (chat stream, embeddings, token
 * count): what was asked, where it may go, and every try so far. Built once per request.
 */
export interface RouteContext {
  /** The public model name the client asked for; answers are stamped with it. */
  readonly requested: string;
  /** The tenant's allowed regions; empty: anywhere. */
  readonly regions: readonly string[];
  /** Estimated prompt tokens, for the context window and the deployments' tpm limits. */
  readonly estimate: number;
  /** The client's cancellation. */
  readonly signal: AbortSignal;
  /** Every try, in order; it rides on the answer's start event or on the final error. */
  readonly log: Attempt[];
  /** With tracing on: the context of the request's route span, parent of each try's span (docs/architecture.md §9). */
  trace?: Context;
  /**
   * Upstream seconds of the attempts that failed before the one that answers (as their adapters
   * measured them); added to the answer's usage event or set on the final error, for the
   * gateway-overhead metric. A hedge that lost ran alongside the winner and is not added.
   */
  upstreamSeconds: number;
}

/** The loop's turn at one model of the chain: the deployments of it tried so far. */
export interface ModelTurn {
  readonly route: RouteContext;
  readonly model: ModelEntry;
  /** Deployment ids of `model` tried in this round; a hedge adds its own. */
  readonly tried: Set<string>;
}

/** One try of one deployment: what an attempt runner is handed. */
export interface AttemptContext extends ModelTurn {
  readonly deployment: DeploymentEntry;
}

/**
 * How one attempt ended, as the loop needs to know it: served (with the answer, for unary
 * calls), or failed before anything reached the client, so another deployment may be tried.
 */
export type AttemptResult<T> = { readonly served: true; readonly value: T } | { readonly served: false; readonly error: ErrorEvent };

/** One try of one deployment; a streaming try relays its events to the client as they come. */
export type RunAttempt<T> = (attempt: AttemptContext) => AsyncGenerator<ResponseEvent, AttemptResult<T>>;

/** How the whole request ended: served, failed (the error carries the attempt log), or the client left. */
export type RouteEnd<T> = { readonly status: 'served'; readonly value: T } | { readonly status: 'failed'; readonly error: ErrorEvent } | { readonly status: 'cancelled' };
