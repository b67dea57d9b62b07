// Quoting for commands we print for the user to copy (pure logic).

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shellQuote(argument: string): string {
  if (/^[\w@%+=:,./-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}
