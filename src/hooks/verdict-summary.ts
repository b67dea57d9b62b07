// One short phrase about where Django's verdict came from, for the success line.
import type { VerdictResult } from './django-verdict.js';

/** "Django 3.2.25, 1.1 s" or "cached verdict". */
export function describeVerdictSource(result: VerdictResult): string {
  if (result.cached) return "Django's cached verdict for these files";
  const version = 'djangoVersion' in result.verdict && result.verdict.djangoVersion ? `Django ${result.verdict.djangoVersion}` : 'Django';
  return `${version}, ${(result.djangoMs / 1000).toFixed(1)} s`;
}
