// The configured commands that take the application down and bring it back: maintenance on/off, service stop/start.
import { execa } from 'execa';
import type { DeploySettings } from '../../config/sections/deploy.js';
import { redactSecrets } from '../../ui/redact-secrets.js';

export type ServiceStep = 'maintenance-on' | 'service-stop' | 'service-start' | 'maintenance-off';

export interface ServiceCommand {
  step: ServiceStep;
  command: string;
}

export interface ServiceCommandResult {
  ok: boolean;
  exitCode: number | undefined;
  output: string;
  durationMs: number;
  /** Why it failed (exit code, timeout, could not start). */
  problem?: string;
}

/** The commands that take the application down, in order. */
export function downCommands(settings: DeploySettings): ServiceCommand[] {
  const commands: ServiceCommand[] = [];
  if (settings.maintenanceOn) commands.push({ step: 'maintenance-on', command: settings.maintenanceOn });
  if (settings.serviceStop) commands.push({ step: 'service-stop', command: settings.serviceStop });
  return commands;
}

/** The commands that bring it back, in order (the reverse of going down). */
export function upCommands(settings: DeploySettings): ServiceCommand[] {
  const commands: ServiceCommand[] = [];
  if (settings.serviceStart) commands.push({ step: 'service-start', command: settings.serviceStart });
  if (settings.maintenanceOff) commands.push({ step: 'maintenance-off', command: settings.maintenanceOff });
  return commands;
}

/** Runs one command with the shell, in `cwd`; never throws. */
export async function runServiceCommand(command: ServiceCommand, options: { cwd: string; timeoutSeconds: number; secrets: string[] }): Promise<ServiceCommandResult> {
  const started = Date.now();
  // Its own process group: a Ctrl-C on the terminal must not interrupt stopping or starting the application.
  const result = await execa(command.command, { shell: true, cwd: options.cwd, reject: false, all: true, stdin: 'ignore', timeout: options.timeoutSeconds * 1000, detached: true });
  const output = redactSecrets(String(result.all ?? '').trim(), options.secrets);
  const durationMs = Date.now() - started;
  if (result.timedOut) return { ok: false, exitCode: result.exitCode, output, durationMs, problem: `timed out after ${options.timeoutSeconds} s` };
  if (result.exitCode === 0) return { ok: true, exitCode: 0, output, durationMs };
  const problem = result.exitCode === undefined ? `could not run: ${result.shortMessage}` : `exit ${result.exitCode}`;
  return { ok: false, exitCode: result.exitCode, output, durationMs, problem };
}
