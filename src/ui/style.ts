// Colours for human output; picocolors honours NO_COLOR / FORCE_COLOR, and we add "only on a TTY".
import pc from 'picocolors';

/** Colour functions for a stream: plain text when it is not a terminal or NO_COLOR is set. */
export function stylesFor(stream: NodeJS.WriteStream = process.stdout) {
  const enabled = pc.isColorSupported && (Boolean(stream.isTTY) || Boolean(process.env.FORCE_COLOR));
  return pc.createColors(enabled);
}

export const style = stylesFor(process.stdout);
export const errorStyle = stylesFor(process.stderr);
