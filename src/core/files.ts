import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file atomically: the text goes to a temporary file in the same directory, is fsynced,
 * and is renamed over the target, so a reader sees the old or the new content, never a torn one.
 */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
