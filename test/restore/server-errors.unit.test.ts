// Server errors a restore's user can fix become messages naming the grant or the host.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { explainServerError, restoreGrants } from '../../src/restore/server-errors.js';

const target = { host: 'db.internal', port: 3307, user: 'dev', password: 'secret', database: 'shop_dev' };

describe('explainServerError', () => {
  it('names the host of a server that went away', async () => {
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
    const explained = await explainServerError(lost, null, target);
    expect(explained).toBeInstanceOf(UserError);
    expect(explained!.message).toContain('The database server at db.internal:3307 could not be reached');
    expect(explained!.fix).toContain('db.internal:3307');
    expect(explained!.message).not.toContain('secret');
  });

  it('names the GRANT for a missing privilege (the host part marked as a guess without a connection)', async () => {
    const denied = Object.assign(new Error("Access denied for user 'dev'@'%' to database 'shop_dev__restore_1'"), { errno: 1044 });
    const explained = await explainServerError(denied, null, target);
    expect(explained!.exitCode).toBe(2);
    expect(explained!.fix).toContain("GRANT ALL PRIVILEGES ON `shop\\_dev\\_\\_%`.* TO 'dev'@'%';");
    expect(explained!.fix).toContain('adjust the host part');
  });

  it('leaves other errors alone', async () => {
    expect(await explainServerError(Object.assign(new Error('Duplicate entry'), { errno: 1062 }), null, target)).toBeNull();
    expect(await explainServerError(new UserError('already explained'), null, target)).toBeNull();
  });

  it('spells the grants for the account as CURRENT_USER() reports it', () => {
    expect(restoreGrants('hcat', 'dev@localhost')).toBe("GRANT ALL PRIVILEGES ON `hcat`.* TO 'dev'@'localhost'; GRANT ALL PRIVILEGES ON `hcat\\_\\_%`.* TO 'dev'@'localhost';");
  });
});
