// `restore` section: where restore-from-prod fetches production's dump and media (issue: restore-from-prod).
import { z } from 'zod';

export const restoreSection = z.object({}).passthrough().prefault({});
