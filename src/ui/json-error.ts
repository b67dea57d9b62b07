// The one shape every `--json` command prints on stdout when it fails (README "Exit codes"):
// { "ok": false, "exitCode": 2, "error": { "message": "…", "fix": "…" | null } }
export interface JsonError {
  ok: false;
  exitCode: number;
  error: { message: string; fix: string | null };
}

/** The JSON error document for a failure with this message, fix and exit code. */
export function jsonError(message: string, fix: string | undefined, exitCode: number): JsonError {
  return { ok: false, exitCode, error: { message, fix: fix ?? null } };
}

/** Whether the command line asks for JSON output (`--json` before any `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}
