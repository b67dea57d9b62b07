import { describe, expect, test } from 'vitest';
import { parseMigrationSource } from '../../src/django/migration-parser.js';
import { mysqlMigrationWarnings } from '../../src/checks/mysql-warnings.js';

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

  test('table rewrites: AlterField, and a NOT NULL column without a default on an existing table', () => {
    const problems = warn(
      migration('0005_alter', "        migrations.AlterField(model_name='item', name='code', field=models.CharField(max_length=64)),"),
      migration('0006_notnull', "        migrations.AddField(model_name='item', name='stock', field=models.IntegerField(), preserve_default=False),"),
      migration('0007_fine', "        migrations.AddField(model_name='item', name='size', field=models.IntegerField(null=True)),"),
      migration('0008_m2m', "        migrations.AddField(model_name='item', name='tags', field=models.ManyToManyField(to='shop.tag')),"),
    );
    expect(problems.map((p) => `${p.code} ${p.files[0]}`)).toEqual(['mysql-table-rewrite shop/migrations/0005_alter.py', 'mysql-table-rewrite shop/migrations/0006_notnull.py']);
    expect(problems[1]!.title).toContain('adds a NOT NULL column without a default to an existing table');
    expect(problems[1]!.fix).toContain('null=True');
  });

  test("no NOT NULL warning where Django's SQL carries a default: blank=True text fields, auto_now; still for blank=True integers", () => {
    const problems = warn(
      migration('0010_blank_char', "        migrations.AddField(model_name='item', name='note', field=models.CharField(blank=True, max_length=20)),"),
      migration('0011_blank_text', "        migrations.AddField(model_name='item', name='body', field=models.TextField(blank=True)),"),
      migration('0012_auto_now', "        migrations.AddField(model_name='item', name='seen', field=models.DateTimeField(auto_now_add=True)),"),
      migration('0013_blank_int', "        migrations.AddField(model_name='item', name='rank', field=models.IntegerField(blank=True)),"),
    );
    expect(problems.map((p) => p.files[0])).toEqual(['shop/migrations/0013_blank_int.py']);
  });

  test('block: true turns the warnings into blocking problems', () => {
    const [problem] = mysqlMigrationWarnings([migration('0009_alter', "        migrations.AlterField(model_name='item', name='code', field=models.CharField(max_length=9)),")], { pathOf: (m) => m.file, block: true });
    expect(problem!.severity).toBe('block');
  });
});
