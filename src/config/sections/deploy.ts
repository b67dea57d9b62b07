// `deploy` section: backups, service commands and retention for `deploy` (issue: deploy).
import { z } from 'zod';

export const deploySection = z.object({}).passthrough().prefault({});
