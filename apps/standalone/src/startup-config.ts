import { Logger } from '@nestjs/common';
import { OutboundPolicy, SwitchyardConfig, loadConfigFile, validateConfig } from '@switchyard/config';
import { existsSync } from 'node:fs';

/**
 * The configuration to start with: SWITCHYARD_CONFIG (default ./switchyard.yaml). A missing
 * default file is not an error: Switchyard starts empty and is configured through the admin API.
 */
export async function loadStartupConfig(path: string, outbound: OutboundPolicy): Promise<{ config: SwitchyardConfig; source: string }> {
  if (existsSync(path)) return { config: await loadConfigFile(path, { outbound }), source: path };
  if (process.env['SWITCHYARD_CONFIG']) throw new Error(`SWITCHYARD_CONFIG: file not found: ${path}`);
  new Logger('Switchyard').warn(`no ${path}: starting with an empty catalogue (see switchyard.example.yaml)`);
  return { config: validateConfig({}, 'defaults', { outbound }), source: 'defaults' };
}
