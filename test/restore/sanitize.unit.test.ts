// Column sanitize rules become one UPDATE each.
import { describe, expect, it } from 'vitest';
import { columnRuleSql } from '../../src/restore/sanitize.js';

describe('columnRuleSql', () => {
  it('builds values from templates with the row\'s own columns', () => {
    expect(columnRuleSql({ table: 'auth_user', column: 'email', value: 'user{id}@example.invalid' })).toBe("UPDATE `auth_user` SET `email` = CONCAT('user', `id`, '@example.invalid')");
  });

  it('sets constants, NULL, and honours a condition', () => {
    expect(columnRuleSql({ table: 'auth_user', column: 'password', value: '' })).toBe("UPDATE `auth_user` SET `password` = ''");
    expect(columnRuleSql({ table: 'profile', column: 'phone', value: null, where: 'is_staff = 0' })).toBe('UPDATE `profile` SET `phone` = NULL WHERE is_staff = 0');
    expect(columnRuleSql({ table: 't', column: 'c', value: "O'Brien \\ {x}" })).toBe("UPDATE `t` SET `c` = CONCAT('O''Brien \\\\ ', `x`)");
  });
});
