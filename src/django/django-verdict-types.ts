// What Django answered when asked whether models and migrations agree (makemigrations --check): the verdict's shapes.

/** A migration makemigrations would write. */
export interface WouldCreateMigration {
  app: string;
  /** Repository-relative path it would be written to. */
  path: string;
  /** Django's description of each operation ("Add field weight to product"). */
  operations: string[];
}

export type DjangoVerdict =
  /** makemigrations --check found nothing to do. */
  | { kind: 'in-sync'; djangoVersion?: string }
  /** makemigrations would write migrations (exit 1). */
  | { kind: 'out-of-sync'; migrations: WouldCreateMigration[]; djangoVersion?: string }
  /** A non-null field was added without a default (exit 3 under --noinput): makemigrations must ask for one. */
  | { kind: 'needs-default'; model?: string; field?: string; djangoVersion?: string }
  /** Django found several leaves (CommandError "Conflicting migrations detected"). */
  | { kind: 'conflicts'; message: string; djangoVersion?: string }
  /** The committed code imports a module that exists only in the working tree (not staged / not committed). */
  | { kind: 'missing-module'; module: string; workingTreePath: string; message: string }
  /** The tree has no settings module (not a Django project yet): Django was not asked. */
  | { kind: 'no-settings'; settingsModule: string | null }
  /** Python or Django could not run, the settings did not import, or the project raised. */
  | { kind: 'could-not-run'; cause: CouldNotRunCause; reason: string; output: string };

/**
 * Why Django gave no verdict: no interpreter, an interpreter without Django, settings that do not
 * import, the project's code raising, Django's command failing, or the time limit.
 */
export type CouldNotRunCause = 'no-python' | 'no-django' | 'settings' | 'project-error' | 'django-error' | 'timeout';
