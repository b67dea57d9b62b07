// A dump or tarball on this machine.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import type { ByteSource, ProductionIdentity } from './types.js';

/** A local file; read in 1 MB chunks. */
export function localFileSource(file: string, production?: ProductionIdentity): ByteSource {
  return {
    description: file,
    production,
    async probe() {
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new UserError(`${file} is not a file.`, { fix: 'Point the restore source at the file itself (config "restore" or --db-source/--media-source).', exitCode: ExitCode.cannotRun });
        return { size: info.size };
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw new UserError(`Cannot read ${file}: ${(error as Error).message}`, { fix: 'Check the path of the restore source (config "restore" or --db-source/--media-source).', exitCode: ExitCode.cannotRun });
      }
    },
    async open() {
      const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
      const finished = new Promise<void>((resolve, reject) => {
        stream.once('end', resolve);
        stream.once('error', (error) => reject(new UserError(`Reading ${file} failed: ${error.message}`, { fix: `Check that ${file} can be read in full (its disk, its permissions), then run the restore again.`, exitCode: ExitCode.findings })));
        stream.once('close', resolve);
      });
      finished.catch(() => {});
      return { stream, finished, cancel: () => stream.destroy() };
    },
  };
}
