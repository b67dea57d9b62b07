// Reads a failed `manage.py migrate` run's output: which migration failed, and Django's error in one line.

export interface MigrateFailure {
  /** app.name of the migration being applied when it failed, or null when it failed before applying any. */
  migration: string | null;
  /** The last line of the traceback (e.g. "LookupError: App 'orders' doesn't have a 'Order' model."). */
  error: string;
  /** The last lines of the output, for the details. */
  tail: string;
}

/** Explains a failed migrate from its combined stdout/stderr. */
export function explainMigrateFailure(output: string): MigrateFailure {
  // "  Applying app.0005_x... OK" on success; without the OK the traceback follows on the same line.
  let migration: string | null = null;
  for (const match of output.matchAll(/Applying ([\w.]+?)\.\.\.( OK)?/g)) {
    migration = match[2] ? null : match[1]!;
  }
  const lines = output
    .split('\n')
    .map((line) => line.replace(/^.*?\.\.\.(?=Traceback)/, '').trimEnd())
    .filter((line) => line.trim() !== '');
  const error = [...lines].reverse().find((line) => /^[\w.]*(Error|Exception|Interrupt|Exit)\b.*?:/.test(line.trim()) || /^\w[\w.]*: /.test(line.trim()))?.trim() ?? lines[lines.length - 1]?.trim() ?? '(no output)';
  return { migration, error, tail: lines.slice(-15).join('\n') };
}
