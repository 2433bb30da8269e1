import { ConfigError } from './config.error';
import type { OutboundPolicy } from './outbound/outbound-policy.types';
import { parseConfig } from './switchyard-config.loader';

/**
 * For the specs: the problems `parseConfig` reports for a switchyard.yaml text (empty when it
 * is accepted); any other error is rethrown. Not exported from the lib.
 */
export function configProblems(text: string, outbound?: OutboundPolicy): readonly string[] {
  try {
    parseConfig(text, 'switchyard.yaml', outbound ? { outbound } : undefined);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
