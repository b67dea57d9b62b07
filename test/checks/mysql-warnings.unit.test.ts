import { describe, expect, test } from 'vitest';
import { parseMigrationSource } from '../../src/django/migration-parser.js';
import { mysqlMigrationWarnings, notNullWithoutDefaultWarnings } from '../../src/checks/mysql-warnings.js';
import type { ClassifiedMigration, ClassifiedStatement } from '../../src/checks/ddl-classification.js';

const migration = (name: string, operations: string) =>
  parseMigrationSource('shop', name, `shop/migrations/${name}.py`, `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n    operations = [\n${operations}\n    ]\n`);
const warn = (...migrations: ReturnType<typeof migration>[]) => mysqlMigrationWarnings(migrations, { pathOf: (m) => m.file, block: false });

describe('mysqlMigrationWarnings', () => {
  test('schema operations mixed with RunPython: one warning naming both, suggesting a separate migration', () => {
    const [problem, ...rest] = warn(
      migration('0002_mixed', "        migrations.AddField(model_name='item', name='note', field=models.TextField(null=True)),\n        migrations.RunPython(forwards, migrations.RunPython.noop),"),
    );
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'mysql-schema-and-data-operations', severity: 'warn', files: ['shop/migrations/0002_mixed.py'] });
    expect(problem!.title).toBe('shop.0002_mixed mixes schema changes (AddField) with RunPython');
    expect(problem!.why).toContain('each DDL statement commits on its own');
    expect(problem!.fix).toContain('makemigrations --empty shop');
  });

  test('several schema operations on existing tables warn; a migration creating new tables does not', () => {
    const several = warn(
      migration('0003_two', "        migrations.AddField(model_name='item', name='a', field=models.IntegerField(default=0)),\n        migrations.RemoveField(model_name='item', name='b'),"),
    );
    expect(several.map((p) => p.code)).toEqual(['mysql-several-schema-operations']);
    expect(several[0]!.title).toBe('shop.0003_two holds 2 schema operations (AddField, RemoveField)');

    const created = warn(
      migration(
        '0004_new_tables',
        "        migrations.CreateModel(name='Box', fields=[('id', models.AutoField(primary_key=True))]),\n        migrations.CreateModel(name='Lid', fields=[('id', models.AutoField(primary_key=True))]),\n        migrations.AddField(model_name='box', name='lid', field=models.ForeignKey(on_delete=models.CASCADE, to='shop.lid')),",
      ),
    );
    expect(created).toEqual([]);
  });

  test('block: true turns the warnings into blocking problems', () => {
    const [problem] = mysqlMigrationWarnings([migration('0009_two', "        migrations.AddField(model_name='item', name='a', field=models.IntegerField(null=True)),\n        migrations.RemoveField(model_name='item', name='b'),")], { pathOf: (m) => m.file, block: true });
    expect(problem!.severity).toBe('block');
  });
});

// Statements as the replay records them (Django's SQL for MariaDB 10.11, as ddl_replay.py captures it).
const statement = (sql: string, kind: ClassifiedStatement['kind'] = 'instant'): ClassifiedStatement => ({ sql, table: /(?:TABLE|ON) `(\w+)`/.exec(sql)?.[1] ?? null, kind, refusals: [], ms: 0 });
const replayed = (name: string, ...statements: ClassifiedStatement[]): ClassifiedMigration => ({ app: 'shop', name, statements });
const notNull = (...migrations: ClassifiedMigration[]) => notNullWithoutDefaultWarnings(migrations, { pathOf: (id) => `${id.replace('.', '/migrations/')}.py`, block: false });

describe('notNullWithoutDefaultWarnings (from the SQL)', () => {
  test('ADD COLUMN … NOT NULL without DEFAULT on an existing table warns, naming the column, the table and the SQL', () => {
    const [problem, ...rest] = notNull(replayed('0006_stock', statement('ALTER TABLE `shop_item` ADD COLUMN `stock` integer NOT NULL')));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'mysql-not-null-without-default', severity: 'warn', files: ['shop/migrations/0006_stock.py'], title: 'shop.0006_stock adds the NOT NULL column `stock` to `shop_item` without a DEFAULT' });
    expect(problem!.details).toEqual(["Django's SQL: ALTER TABLE `shop_item` ADD COLUMN `stock` integer NOT NULL"]);
    expect(problem!.fix).toContain('null=True');
  });

  test("what Django writes for blank text fields, defaults, NULL columns and foreign keys with a constraint clause: no warning unless NOT NULL lacks a DEFAULT", () => {
    const problems = notNull(
      replayed('0010_blank_char', statement("ALTER TABLE `shop_item` ADD COLUMN `note` varchar(20) DEFAULT '' NOT NULL"), statement('ALTER TABLE `shop_item` ALTER COLUMN `note` DROP DEFAULT')),
      replayed('0011_blank_text', statement("ALTER TABLE `shop_item` ADD COLUMN `body` longtext DEFAULT '' NOT NULL")),
      replayed('0012_nullable', statement('ALTER TABLE `shop_item` ADD COLUMN `size` integer NULL')),
      replayed('0013_decimal', statement('ALTER TABLE `shop_item` ADD COLUMN `price` numeric(10, 2) DEFAULT 0 NOT NULL')),
      replayed('0014_fk', statement('ALTER TABLE `shop_item` ADD COLUMN `owner_id` integer NOT NULL , ADD CONSTRAINT `shop_item_owner_id_fk` FOREIGN KEY (`owner_id`) REFERENCES `auth_user`(`id`)', 'copy')),
      replayed('0015_comment', statement("ALTER TABLE `shop_item` ADD COLUMN `code` varchar(5) NOT NULL COMMENT 'no DEFAULT here'")),
    );
    expect(problems.map((problem) => problem.title)).toEqual([
      'shop.0014_fk adds the NOT NULL column `owner_id` to `shop_item` without a DEFAULT',
      'shop.0015_comment adds the NOT NULL column `code` to `shop_item` without a DEFAULT',
    ]);
  });

  test('a table created by the same migrations has no rows to fill: no warning', () => {
    expect(notNull(
      replayed('0020_box', statement('CREATE TABLE `shop_box` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY)', 'create-table')),
      replayed('0021_box_size', statement('ALTER TABLE `shop_box` ADD COLUMN `size` integer NOT NULL')),
    )).toEqual([]);
  });
});
