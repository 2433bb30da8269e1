import type { CircuitBreakerConfig, OutlierConfig, ProbeConfig } from '@switchyard/config';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** How one attempt at a deployment ended, as the router saw it. */
export interface AttemptOutcome {
  /** Answered (or a client-side error like 400, which is NOT the deployment's fault: pass ok=true for those). */
  ok: boolean;
  /** Upstream HTTP status; 0/undefined for transport errors and timeouts. */
  status?: number;
  /** From a 429/503 answer's `retry-after`. */
  retryAfterMs?: number;
  /** 429: a cooldown, not a breaker failure. */
  rateLimited?: boolean;
}

/** What `DeploymentHealth.state` reports: the fields of the router proto's `DeploymentHealth`. */
export interface DeploymentHealthState {
  circuit: CircuitState;
  /** Epoch ms; 0 when not cooling down. */
  cooldownUntil: number;
  /** Epoch ms; 0 when not ejected. */
  ejectedUntil: number;
  /** Ejections that still count towards the next ejection's length (after decay). */
  ejections: number;
  windowRequests: number;
  windowFailures: number;
  consecutiveFailures: number;
  /** Epoch ms when an open breaker turns half-open; 0 unless open. */
  openUntil: number;
  /** Half-open trials reserved by `tryAcquire` and not yet recorded. */
  trialsInFlight: number;
}

/**
 * The `routing` settings health needs; a whole `RoutingConfig` fits. `probes` is optional
 * (default: `DEFAULT_ROUTING.probes`) because the brief's constructor took only the first two.
 */
export interface DeploymentHealthConfig {
  circuitBreaker: CircuitBreakerConfig;
  outlier: OutlierConfig;
  probes?: ProbeConfig;
}

/**
 * Does this outcome count against the deployment (breaker window, consecutive failures)?
 * Transport errors, timeouts, 408, 5xx and 529 do; 4xx client errors (400/401/403/404/413/422…)
 * do not, even when the caller passed ok=false; 429 does not either (that is a cooldown).
 */
export function isDeploymentFailure(outcome: AttemptOutcome): boolean {
  if (outcome.ok) return false;
  const status = outcome.status ?? 0;
  if (outcome.rateLimited || status === 429) return false;
  return !(status >= 400 && status < 500 && status !== 408);
}

/** A transition of one deployment's health an operator is told about (see `DeploymentHealth.onTransition`). */
export interface HealthTransitionEvent {
  deploymentId: string;
  transition: 'circuit_opened' | 'circuit_closed' | 'ejected';
  /** Epoch ms it stays out until (opened, ejected). */
  until?: number;
  at: number;
}

export type HealthTransitionListener = (event: HealthTransitionEvent) => void;
