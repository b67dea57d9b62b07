// The git hooks migration-guard runs: one list, for the entry, the hooks themselves and `install`.

export const HOOK_NAMES = ['pre-commit', 'pre-merge-commit', 'pre-push', 'post-merge', 'post-checkout', 'post-rewrite'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Whether a name is a hook migration-guard runs. */
export function isHookName(name: string | undefined): name is HookName {
  return (HOOK_NAMES as readonly string[]).includes(name ?? '');
}
