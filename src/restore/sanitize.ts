// Sanitize rules from the config, applied to the staging copy before the swap, so personal data
// from production never reaches the developer's database.
import type { SanitizeRule } from '../config/sections/restore.js';
import type { Connection } from '../db/connect.js';
import { quoteIdentifier } from '../db/connect.js';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';

export interface SanitizeOutcome {
  rule: string;
  rows: number;
}

/** The UPDATE for a column rule: `value` may use {column} placeholders for the same row's values. */
export function columnRuleSql(rule: Extract<SanitizeRule, { table: string }>): string {
  let expression: string;
  if (rule.value === null) expression = 'NULL';
  else {
    const parts: string[] = [];
    const pattern = /\{([A-Za-z0-9_$]+)\}/g;
    let last = 0;
    for (let match = pattern.exec(rule.value); match; match = pattern.exec(rule.value)) {
      if (match.index > last) parts.push(quoteString(rule.value.slice(last, match.index)));
      parts.push(quoteIdentifier(match[1]!));
      last = match.index + match[0].length;
    }
    if (last < rule.value.length || parts.length === 0) parts.push(quoteString(rule.value.slice(last)));
    expression = parts.length === 1 ? parts[0]! : `CONCAT(${parts.join(', ')})`;
  }
  return `UPDATE ${quoteIdentifier(rule.table)} SET ${quoteIdentifier(rule.column)} = ${expression}${rule.where ? ` WHERE ${rule.where}` : ''}`;
}

/** Runs every rule in the staging database, in order; any failure stops the restore before the swap. */
export async function applySanitizeRules(connection: Connection, staging: string, rules: readonly SanitizeRule[]): Promise<SanitizeOutcome[]> {
  if (rules.length === 0) return [];
  await connection.query(`USE ${quoteIdentifier(staging)}`);
  const outcomes: SanitizeOutcome[] = [];
  for (const [index, rule] of rules.entries()) {
    const label = 'sql' in rule ? `#${index + 1} (sql)` : `#${index + 1} (${rule.table}.${rule.column})`;
    const sql = 'sql' in rule ? rule.sql : columnRuleSql(rule);
    try {
      const [result] = await connection.query(sql);
      outcomes.push({ rule: label, rows: Number((result as { affectedRows?: number }).affectedRows ?? 0) });
    } catch (error) {
      throw new UserError(`Sanitize rule ${label} failed on the restored copy: ${(error as Error).message}. Nothing was swapped in.`, {
        fix: 'Fix the rule in restore.sanitize of the config (it runs against production\'s schema), then run the restore again.',
        exitCode: ExitCode.findings,
        cause: error,
      });
    }
  }
  return outcomes;
}

function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
