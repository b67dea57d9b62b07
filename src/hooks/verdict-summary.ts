// The one line a hook or `check` prints when nothing blocked: what was checked and how. It says
// "agree" only when Django said so.
import type { VerdictResult } from './django-verdict.js';

/** "Django 3.2.25, 1.1 s" or "Django's cached verdict for these files". */
export function describeVerdictSource(result: VerdictResult): string {
  if (result.cached) return "Django's cached verdict for these files";
  const version = 'djangoVersion' in result.verdict && result.verdict.djangoVersion ? `Django ${result.verdict.djangoVersion}` : 'Django';
  const via = result.python.tried ? ` via ${result.python.source} ${result.python.path}` : '';
  return `${version}${via}, ${(result.djangoMs / 1000).toFixed(1)} s`;
}

/** The summary after a run without blocking problems; `checkedWithoutDjango` lists the other checks. */
export function verdictSummary(result: VerdictResult | undefined, checkedWithoutDjango: string): string {
  if (!result) return `checked ${checkedWithoutDjango}; Django was not needed`;
  switch (result.verdict.kind) {
    case 'in-sync':
      // Found by trying the candidates (the chosen interpreter has no Django): say how to make it the one.
      return `models and migrations agree (${describeVerdictSource(result)})${result.python.tried && !result.cached ? `; to use it directly: npx migration-guard install --python ${result.python.path}` : ''}`;
    case 'no-settings':
      return `not a Django project yet (no settings module ${result.verdict.settingsModule ?? ''} in the tree): Django not asked; checked ${checkedWithoutDjango}`.replace('  ', ' ');
    default:
      return `Django was NOT asked whether models and migrations agree (see above); checked only ${checkedWithoutDjango}`;
  }
}
