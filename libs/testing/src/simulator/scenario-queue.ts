import type { IncomingHttpHeaders } from 'node:http';
import type { ScenarioMatch, SimulatedProvider, SimulatorScenario } from './simulator-scenario.types';

// Frozen and shared, so its prepared form is computed once for the simulator's lifetime.
const BUILT_IN_DEFAULT: SimulatorScenario = Object.freeze({});

/** One-shot scripted scenarios in arrival order, and the default for everything else. */
export class ScenarioQueue {
  private readonly queue: SimulatorScenario[] = [];
  private fallback: SimulatorScenario = BUILT_IN_DEFAULT;

  push(scenario: SimulatorScenario): void {
    this.queue.push(scenario);
  }

  setDefault(scenario: SimulatorScenario): void {
    this.fallback = scenario;
  }

  reset(): void {
    this.queue.length = 0;
    this.fallback = BUILT_IN_DEFAULT;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Removes and returns the oldest scripted scenario matching the request, else the default. */
  take(provider: SimulatedProvider, model: string, path: string, headers: IncomingHttpHeaders = {}): SimulatorScenario {
    if (this.queue.length === 0) return this.fallback;
    const index = this.queue.findIndex(({ match }) =>
      !match ||
      ((match.provider === undefined || match.provider === provider) &&
        (match.model === undefined || match.model === model) &&
        (match.path === undefined || path.includes(match.path)) &&
        headersMatch(match, headers)),
    );
    return index === -1 ? this.fallback : this.queue.splice(index, 1)[0];
  }
}

/** Every header the match names has exactly that value (names in any case). */
function headersMatch({ headers: wanted }: ScenarioMatch, headers: IncomingHttpHeaders): boolean {
  return Object.entries(wanted ?? {}).every(([name, value]) => headers[name.toLowerCase()] === value);
}
