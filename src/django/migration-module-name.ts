// Which file names in a migrations/ package Django loads as migrations. Node builtins only (none, in
// fact): the hooks' fast path uses it.

/** Whether a file name in migrations/ is a module Django loads as a migration. */
export function isMigrationModuleFileName(fileName: string): boolean {
  if (!fileName.endsWith('.py')) return false;
  const moduleName = fileName.slice(0, -3);
  // pkgutil.iter_modules skips names with dots; Django skips __init__ and names starting _ or ~.
  return moduleName !== '' && !moduleName.includes('.') && moduleName[0] !== '_' && moduleName[0] !== '~';
}
