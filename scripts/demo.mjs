// `npm run demo`: migration-guard on a built-in sandbox. Copies the fixture Django project into a temp
// git repository, starts a throwaway MariaDB, installs the hooks, migrates, and shows each guard at work.
// Needs: `npm run build` (the npm script does it), MariaDB and Debian's python3-django (installed by
// scripts/ensure-test-deps.sh). Leaves nothing behind unless --keep is given.
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pc from 'picocolors';
import { startThrowawayMariaDB } from '../dist/sandbox/throwaway-mariadb.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(projectRoot, 'dist/cli/main.js');
const keep = process.argv.includes('--keep');
const python = '/usr/bin/python3';

const gitEnv = { GIT_AUTHOR_NAME: 'Demo Dev', GIT_AUTHOR_EMAIL: 'demo@example.invalid', GIT_COMMITTER_NAME: 'Demo Dev', GIT_COMMITTER_EMAIL: 'demo@example.invalid' };

function step(title) {
  process.stdout.write(`\n${pc.bold(pc.cyan(`▶ ${title}`))}\n`);
}

async function show(command, args, options) {
  process.stdout.write(pc.dim(`$ ${[command, ...args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}\n`));
  const result = await execa(command, args, { ...options, reject: false, all: true, env: { ...process.env, ...options.env } });
  if (result.all) process.stdout.write(`${result.all}\n`);
  process.stdout.write(pc.dim(`(exit ${result.exitCode})\n`));
  return result;
}

// node_modules of the sandbox repo: this build as `migration-guard`, and husky, with launchers in .bin.
async function linkNodeModules(dir) {
  const modules = path.join(dir, 'node_modules');
  await mkdir(path.join(modules, '.bin'), { recursive: true });
  await symlink(projectRoot, path.join(modules, 'migration-guard'));
  await symlink(path.join(projectRoot, 'node_modules/husky'), path.join(modules, 'husky'));
  for (const [name, script] of [['migration-guard', cli], ['husky', path.join(projectRoot, 'node_modules/husky/bin.js')]]) {
    await writeFile(path.join(modules, '.bin', name), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
    await chmod(path.join(modules, '.bin', name), 0o755);
  }
}

const sandbox = await mkdtemp(path.join(os.tmpdir(), 'migration-guard-demo-'));
const repo = path.join(sandbox, 'hcat');
step('Starting a throwaway MariaDB server (own datadir, socket and port)');
const server = await startThrowawayMariaDB({ baseDir: path.join(sandbox, 'mariadb') });
try {
  const password = `demo-${Math.random().toString(36).slice(2)}`;
  const db = await import('mysql2/promise');
  const admin = await db.createConnection({ host: server.host, port: server.port, user: server.admin.user, password: server.admin.password });
  await admin.query('CREATE DATABASE hcat CHARACTER SET utf8mb4');
  await admin.query(`CREATE USER 'hcat'@'%' IDENTIFIED BY ?`, [password]);
  await admin.query(`GRANT ALL PRIVILEGES ON \`hcat\`.* TO 'hcat'@'%'`);
  await admin.query(`GRANT ALL PRIVILEGES ON \`hcat\\_\\_%\`.* TO 'hcat'@'%'`);
  await admin.end();
  console.log(`MariaDB on 127.0.0.1:${server.port}, database hcat, user hcat (password in HCAT_PASSWORD, never on a command line)`);
  const env = { ...gitEnv, HCAT_DB: 'hcat', HCAT_USER: 'hcat', HCAT_PASSWORD: password, HCAT_HOST: '127.0.0.1', HCAT_PORT: String(server.port), HCAT_MEDIA: path.join(sandbox, 'media'), NO_COLOR: process.env.NO_COLOR ?? '' };
  const run = (args) => show('node', [cli, ...args], { cwd: repo, env });

  step('Copying the fixture Django project into a git repository, installing the hooks');
  await cp(path.join(projectRoot, 'test/fixtures/hcat'), repo, { recursive: true, filter: (s) => !s.includes('__pycache__') });
  // The project depends on migration-guard and husky; link this build instead of downloading.
  await writeFile(path.join(repo, 'package.json'), `${JSON.stringify({ name: 'hcat', private: true, devDependencies: { 'migration-guard': `file:${projectRoot}`, husky: '^9' } }, null, 2)}\n`);
  await writeFile(path.join(repo, '.gitignore'), 'node_modules/\n__pycache__/\n');
  await linkNodeModules(repo);
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await run(['install']);
  await execa('git', ['add', '-A'], { cwd: repo });
  await execa('git', ['commit', '-q', '-m', 'Initial project'], { cwd: repo, env });
  console.log(repo);

  step('A new clone: what does it still lack?');
  await run(['doctor']);

  step('Migrating the developer database');
  await show(python, ['manage.py', 'migrate', '--noinput'], { cwd: repo, env });

  step('Where migrations stand (no Django boot)');
  await run(['status', '--list']);

  step('A model change without its migration: the commit is blocked');
  const models = path.join(repo, 'catalog/models.py');
  await writeFile(models, (await readFile(models, 'utf8')).replace("    sku = models.CharField", "    weight_grams = models.PositiveIntegerField(default=0)\n    sku = models.CharField"));
  await execa('git', ['add', 'catalog/models.py'], { cwd: repo });
  await show('git', ['commit', '-m', 'Add product weight'], { cwd: repo, env });

  step('makemigrations, forget to git add it: still blocked (untracked migration)');
  await show(python, ['manage.py', 'makemigrations', 'catalog', '-n', 'product_weight'], { cwd: repo, env });
  await show('git', ['commit', '-m', 'Add product weight'], { cwd: repo, env });

  step('git add the migration: the commit passes');
  await execa('git', ['add', 'catalog/migrations'], { cwd: repo });
  await show('git', ['commit', '-q', '-m', 'Add product weight'], { cwd: repo, env });
  await run(['status']);

  step('Production deploy: backup, migrate, verify (restores automatically on failure)');
  await show('node', [cli, 'deploy', '--no-pull'], { cwd: repo, env: { ...env, MIGRATION_GUARD_ROLE: 'production' } });

  step('Someone changes the schema by hand: drift notices');
  const conn = await db.createConnection({ host: server.host, port: server.port, user: 'hcat', password, database: 'hcat' });
  await conn.query('ALTER TABLE catalog_product ADD COLUMN legacy_code varchar(20) NULL, MODIFY name varchar(150) NOT NULL');
  await run(['drift']);

  step("restore-from-prod: load production's dump (here: the deploy's backup) over the drifted copy");
  const backups = path.join(repo, '.migration-guard/backups');
  const dump = (await readdir(backups)).find((name) => name.endsWith('.sql.gz'));
  await run(['restore-from-prod', '--db-source', path.join(backups, dump), '--no-media', '--yes', '--no-migrate']);
  await run(['status']);

  step('The database is ahead: a migration applied on another branch');
  await conn.query("INSERT INTO django_migrations (app, name, applied) VALUES ('orders', '0003_from_other_branch', NOW())");
  await run(['status']);
  await conn.end();

  step('Done');
  console.log(keep ? `Sandbox kept in ${sandbox}` : 'Sandbox removed.');
} finally {
  await server.stop();
  if (!keep) await rm(sandbox, { recursive: true, force: true });
}
