// `drift` section: where the reference schema is built and which setup steps run first (issue: drift).
import { z } from 'zod';

export const driftSection = z.object({}).passthrough().prefault({});
