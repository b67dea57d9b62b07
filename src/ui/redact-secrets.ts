// Passwords must never reach the terminal, a journal or an error message, even inside a child's output.

/** Replaces every occurrence of each secret (4+ characters, so short ones do not shred the text) with ***. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}
