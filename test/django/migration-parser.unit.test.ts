import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MigrationParseError, parseMigrationSource } from '../../src/django/migration-parser.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/hcat');

function parse(source: string, name = '0002_change') {
  return parseMigrationSource('shop', name, '/repo/shop/migrations/' + name + '.py', source);
}

// Lines of a Python file; keeps the tests' sources readable without template-literal indentation.
function py(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

function parseError(source: string): MigrationParseError {
  try {
    parse(source);
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationParseError);
    return error as MigrationParseError;
  }
  throw new Error('expected a MigrationParseError');
}

describe('parseMigrationSource on files Django wrote', () => {
  it('reads the fixture initial migration', () => {
    const file = path.join(FIXTURE, 'catalog/migrations/0001_initial.py');
    const migration = parseMigrationSource('catalog', '0001_initial', file, readFileSync(file, 'utf8'));
    expect(migration).toMatchObject({ app: 'catalog', name: '0001_initial', file, initial: true, dependencies: [], replaces: [], runBefore: [] });
    expect(migration.operations.map(({ type, model, line }) => ({ type, model, line }))).toEqual([
      { type: 'CreateModel', model: 'category', line: 14 },
      { type: 'CreateModel', model: 'product', line: 21 },
    ]);
    expect(migration.operations[0]!.source).toMatch(/^migrations\.CreateModel\(\n\s+name='Category',[\s\S]*\)$/);
  });

  it('reads a swappable dependency and cross-app dependency', () => {
    const file = path.join(FIXTURE, 'orders/migrations/0001_initial.py');
    const migration = parseMigrationSource('orders', '0001_initial', file, readFileSync(file, 'utf8'));
    expect(migration.dependencies).toEqual([
      { kind: 'swappable', setting: 'AUTH_USER_MODEL' },
      { kind: 'migration', app: 'catalog', name: '0004_tags_and_sku' },
    ]);
  });

  it('reads a squashed migration and its replaces', () => {
    const file = path.join(FIXTURE, 'catalog/migrations/0001_squashed_0002_product_category_price.py');
    const migration = parseMigrationSource('catalog', '0001_squashed_0002_product_category_price', file, readFileSync(file, 'utf8'));
    expect(migration.replaces).toEqual([
      { app: 'catalog', name: '0001_initial' },
      { app: 'catalog', name: '0002_product_category_price' },
    ]);
    expect(migration.dependencies).toEqual([]);
    expect(migration.initial).toBe(true);
  });

  it('reads field operations with model and field, and RunPython without', () => {
    const file = path.join(FIXTURE, 'catalog/migrations/0004_tags_and_sku.py');
    const migration = parseMigrationSource('catalog', '0004_tags_and_sku', file, readFileSync(file, 'utf8'));
    expect(migration.operations.map(({ type, model, field }) => ({ type, model, field }))).toEqual([
      { type: 'CreateModel', model: 'tag', field: undefined },
      { type: 'AddField', model: 'product', field: 'sku' },
      { type: 'AddField', model: 'product', field: 'tags' },
    ]);
    const data = path.join(FIXTURE, 'catalog/migrations/0003_populate_categories.py');
    const dataMigration = parseMigrationSource('catalog', '0003_populate_categories', data, readFileSync(data, 'utf8'));
    expect(dataMigration.operations).toEqual([
      { type: 'RunPython', line: 23, source: 'migrations.RunPython(create_default_category, noop)' },
    ]);
    expect(dataMigration.initial).toBeNull();
  });
});

describe('parseMigrationSource formatting variants', () => {
  it('accepts empty dependency lists in every spelling', () => {
    for (const empty of ['[]', '[\n    ]', '()', '[  # nothing yet\n]', '[\n\n]']) {
      const migration = parse(py('from django.db import migrations', '', 'class Migration(migrations.Migration):', `    dependencies = ${empty}`, '    operations = []'));
      expect(migration.dependencies, empty).toEqual([]);
      expect(migration.operations).toEqual([]);
    }
  });

  it('reads double, single, triple-quoted, raw and concatenated strings alike', () => {
    const migration = parse(
      py(
        'class Migration(migrations.Migration):',
        '    dependencies = [',
        '        ("shop", "0001_initial"),',
        "        ('''billing''', \"\"\"0003_invoice\"\"\"),",
        "        (r'legacy', 'old_' '0002' \"_name\"),",
        "        ('esc', 'a\\x41\\u00e9\\n'),",
        '    ]',
      ),
    );
    expect(migration.dependencies).toEqual([
      { kind: 'migration', app: 'shop', name: '0001_initial' },
      { kind: 'migration', app: 'billing', name: '0003_invoice' },
      { kind: 'migration', app: 'legacy', name: 'old_0002_name' },
      { kind: 'migration', app: 'esc', name: 'aA\u00e9\n' },
    ]);
  });

  it('ignores comments, also ones holding brackets and quotes, and keeps # inside strings', () => {
    const migration = parse(
      py(
        '# class Migration(migrations.Migration): in a comment',
        'class Migration(migrations.Migration):  # the real one',
        '    dependencies = [  # see ticket [123]',
        "        # ('ghost', '0001_initial'),",
        "        ('shop', '0001_#initial'),  # a ) comment ]",
        "        ('shop', '0002_[draft]')",
        '    ]',
      ),
    );
    expect(migration.dependencies).toEqual([
      { kind: 'migration', app: 'shop', name: '0001_#initial' },
      { kind: 'migration', app: 'shop', name: '0002_[draft]' },
    ]);
  });

  it('accepts trailing commas or none, lists or tuples for pairs, and one-line lists', () => {
    const withCommas = parse(py('class Migration(migrations.Migration):', "    dependencies = [('a', '0001',), ['b', '0002'],]"));
    const without = parse(py('class Migration(migrations.Migration):', "    dependencies = (('a', '0001'), ['b', '0002'])"));
    const expected = [
      { kind: 'migration', app: 'a', name: '0001' },
      { kind: 'migration', app: 'b', name: '0002' },
    ];
    expect(withCommas.dependencies).toEqual(expected);
    expect(without.dependencies).toEqual(expected);
  });

  it('reads class attributes in any order and skips other attributes, methods and docstrings', () => {
    const migration = parse(
      py(
        'from django.db import migrations, models',
        'from django.db.migrations import Migration',
        '',
        'class Migration(Migration):',
        '    """Docstring with class Migration( and [ brackets and # hashes."""',
        '    atomic = False',
        '    operations = [',
        "        migrations.RemoveField(model_name='Order', name='note'),",
        '    ]',
        '',
        '    def describe(self):',
        "        dependencies = [('nope', '0001')]",
        '        return dependencies',
        '',
        "    replaces = [('shop', '0002_a'), ('shop', '0003_b')]",
        "    run_before = [('billing', '0001_initial')]",
        '    initial = False',
        "    dependencies = [('shop', '0001_initial')]",
      ),
    );
    expect(migration.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001_initial' }]);
    expect(migration.replaces).toEqual([
      { app: 'shop', name: '0002_a' },
      { app: 'shop', name: '0003_b' },
    ]);
    expect(migration.runBefore).toEqual([{ app: 'billing', name: '0001_initial' }]);
    expect(migration.initial).toBe(false);
    expect(migration.operations).toEqual([
      { type: 'RemoveField', model: 'order', field: 'note', line: 8, source: "migrations.RemoveField(model_name='Order', name='note')" },
    ]);
  });

  it('reads __first__, __latest__ and swappable dependencies', () => {
    const migration = parse(
      py(
        'class Migration(migrations.Migration):',
        '    dependencies = [',
        "        ('auth', '__first__'),",
        "        ('billing', '__latest__'),",
        '        migrations.swappable_dependency(settings.AUTH_USER_MODEL),',
        '        swappable_dependency(settings.TEAM_MODEL),',
        "        migrations.swappable_dependency('accounts.User'),",
        '    ]',
      ),
    );
    expect(migration.dependencies).toEqual([
      { kind: 'first', app: 'auth' },
      { kind: 'latest', app: 'billing' },
      { kind: 'swappable', setting: 'AUTH_USER_MODEL' },
      { kind: 'swappable', setting: 'TEAM_MODEL' },
      { kind: 'first', app: 'accounts' },
    ]);
  });

  it('takes initial = True/False/None and leaves it null when unset', () => {
    const body = (line: string) => parse(py('class Migration(migrations.Migration):', line, '    dependencies = []')).initial;
    expect(body('    initial = True')).toBe(true);
    expect(body('    initial = False')).toBe(false);
    expect(body('    initial = None')).toBeNull();
    expect(body('    atomic = True')).toBeNull();
  });

  it('handles CRLF line endings, tabs, a BOM and backslash continuations', () => {
    const source = '\ufeffclass Migration(migrations.Migration):\r\n\tdependencies = \\\r\n\t\t[(\'shop\', \'0001_initial\')]\r\n\r\n\toperations = [\r\n\t\tmigrations.DeleteModel(\r\n\t\t\tname=\'Coupon\'),\r\n\t]\r\n';
    const migration = parse(source);
    expect(migration.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001_initial' }]);
    expect(migration.operations).toEqual([{ type: 'DeleteModel', model: 'coupon', line: 6, source: "migrations.DeleteModel(\r\n\t\t\tname='Coupon')" }]);
  });

  it('reads a class written on one line', () => {
    const migration = parse("class Migration(migrations.Migration): dependencies = [('shop', '0001')]; operations = []\n");
    expect(migration.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001' }]);
  });

  it('uses the last top-level class Migration, as Python does, and ignores nested ones', () => {
    const migration = parse(
      py(
        'def helper():',
        '    class Migration(migrations.Migration):',
        "        dependencies = [('nested', '0001')]",
        '',
        'class Migration(migrations.Migration):',
        "    dependencies = [('first', '0001')]",
        '',
        'class Migration(migrations.Migration):',
        "    dependencies = [('second', '0001')]",
      ),
    );
    expect(migration.dependencies).toEqual([{ kind: 'migration', app: 'second', name: '0001' }]);
  });

  it('is not fooled by class Migration inside module-level strings and functions', () => {
    const migration = parse(
      py(
        '"""',
        'class Migration(migrations.Migration):',
        "    dependencies = [('doc', '0001')]",
        '"""',
        'SQL = """',
        'SELECT "[" FROM x; -- ) ] }',
        '"""',
        '',
        'def forwards(apps, schema_editor):',
        "    text = 'class Migration(x): [ ( {'",
        '    return text',
        '',
        'class Migration(migrations.Migration):',
        "    dependencies = [('shop', '0001_initial')]",
        '    operations = [',
        '        migrations.RunSQL(SQL, reverse_sql="SELECT \')\' -- ]"),',
        '        migrations.RunPython(forwards, migrations.RunPython.noop),',
        '    ]',
      ),
    );
    expect(migration.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001_initial' }]);
    expect(migration.operations.map(({ type, line }) => ({ type, line }))).toEqual([
      { type: 'RunSQL', line: 16 },
      { type: 'RunPython', line: 17 },
    ]);
  });
});

describe('parseMigrationSource operations', () => {
  const operations = (...lines: string[]) =>
    parse(py('class Migration(migrations.Migration):', '    operations = [', ...lines.map((line) => '        ' + line), '    ]')).operations;

  it('finds model and field by keyword and by position, lower-casing the model', () => {
    const ops = operations(
      "migrations.AddField(model_name='Product', name='Price', field=models.IntegerField(default=0)),",
      "migrations.AlterField('Product', 'sku', models.CharField(max_length=32)),",
      "migrations.RenameField(model_name='product', old_name='sku', new_name='code'),",
      "migrations.CreateModel('Tag', fields=[('id', models.AutoField(primary_key=True))]),",
      "migrations.RenameModel(old_name='Tag', new_name='Label'),",
      "migrations.AddIndex(model_name='product', index=models.Index(fields=['name'], name='product_name_idx')),",
      "migrations.RemoveIndex(model_name='product', name='product_name_idx'),",
      "migrations.AlterUniqueTogether(name='OrderLine', unique_together={('order', 'product')}),",
      "migrations.RunSQL('SELECT 1', reverse_sql=migrations.RunSQL.noop),",
      "AddField(model_name='order', name='note', field=models.TextField()),",
    );
    expect(ops.map(({ type, model, field }) => [type, model, field])).toEqual([
      ['AddField', 'product', 'Price'],
      ['AlterField', 'product', 'sku'],
      ['RenameField', 'product', 'sku'],
      ['CreateModel', 'tag', undefined],
      ['RenameModel', 'tag', undefined],
      ['AddIndex', 'product', undefined],
      ['RemoveIndex', 'product', undefined],
      ['AlterUniqueTogether', 'orderline', undefined],
      ['RunSQL', undefined, undefined],
      ['AddField', 'order', 'note'],
    ]);
  });

  it('counts only top-level operations and keeps their exact source and line', () => {
    const ops = operations(
      'migrations.SeparateDatabaseAndState(',
      '    state_operations=[',
      "        migrations.DeleteModel(name='Old'),",
      '    ],',
      '    database_operations=[],',
      '),',
      "migrations.RunSQL('''",
      '    UPDATE t SET a = \'(\' WHERE b = "]";  -- # not a comment',
      "''')",
    );
    expect(ops.map(({ type, line }) => ({ type, line }))).toEqual([
      { type: 'SeparateDatabaseAndState', line: 3 },
      { type: 'RunSQL', line: 9 },
    ]);
    expect(ops[1]!.source).toBe("migrations.RunSQL('''\n            UPDATE t SET a = '(' WHERE b = \"]\";  -- # not a comment\n        ''')");
  });

  it('keeps elements that are not plain calls as Unknown with their text', () => {
    const ops = operations('*common_operations,', "migrations.RunPython(noop).using('x'),", "migrations.DeleteModel(name='Gone')");
    expect(ops.map(({ type, source }) => ({ type, source }))).toEqual([
      { type: 'Unknown', source: '*common_operations' },
      { type: 'Unknown', source: "migrations.RunPython(noop).using('x')" },
      { type: 'DeleteModel', source: "migrations.DeleteModel(name='Gone')" },
    ]);
  });

  it('leaves model unset when the name is not a plain string', () => {
    const ops = operations('migrations.AddField(model_name=MODEL, name=f"{prefix}_x", field=None),');
    expect(ops[0]).toMatchObject({ type: 'AddField' });
    expect(ops[0]!.model).toBeUndefined();
    expect(ops[0]!.field).toBeUndefined();
  });
});

describe('parseMigrationSource on values read through names, "+" and if/else', () => {
  const op = (field: string) => `migrations.AddField(model_name='item', name='${field}', field=models.IntegerField(default=0))`;

  it('reads a parenthesised concatenation of lists', () => {
    const migration = parse(py('class Migration(migrations.Migration):', '    operations = (', `        [${op('a')}]`, `        + [${op('b')}, ${op('c')}]`, '    )'));
    expect(migration.operations.map((operation) => `${operation.type} ${operation.field}`)).toEqual(['AddField a', 'AddField b', 'AddField c']);
  });

  it('reads names bound to literals earlier in the module or the class', () => {
    const migration = parse(
      py(
        'from django.db import migrations, models',
        `BASE = [('shop', '0001_initial')]`,
        `ops = [${op('a')}]`,
        '',
        'class Migration(migrations.Migration):',
        "    dependencies = BASE + [('auth', '0012_alter_user_first_name_max_length')]",
        `    more = (${op('b')},)`,
        '    operations = ops + more',
      ),
    );
    expect(migration.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001_initial' }, { kind: 'migration', app: 'auth', name: '0012_alter_user_first_name_max_length' }]);
    expect(migration.operations.map((operation) => operation.field)).toEqual(['a', 'b']);
  });

  it('a tuple of operations is still a tuple, and a name bound to an operation is an Unknown element', () => {
    const migration = parse(py(`common = ${op('a')}`, 'class Migration(migrations.Migration):', `    operations = (common, ${op('b')})`));
    expect(migration.operations.map((operation) => operation.type)).toEqual(['Unknown', 'AddField']);
  });

  it('reads `class Migration` inside an if/else whose branches agree (and a single conditional one)', () => {
    const branch = (indent: string) => [`${indent}class Migration(migrations.Migration):`, `${indent}    dependencies = [('shop', '0001_initial')]`, `${indent}    operations = []`];
    const agreeing = parse(py('import sys', 'if sys.version_info >= (3, 8):', ...branch('    '), 'else:', ...branch('    ')));
    expect(agreeing.dependencies).toEqual([{ kind: 'migration', app: 'shop', name: '0001_initial' }]);
    const single = parse(py('try:', '    import shop_extras', 'except ImportError:', '    pass', 'if True:', ...branch('    ')));
    expect(single.dependencies).toHaveLength(1);
  });

  it('branches that differ need Python: the error says so and names the line', () => {
    const error = parseError(
      py(
        'try:',
        '    import shop_extras',
        '    class Migration(migrations.Migration):',
        "        dependencies = [('shop', '0001_initial'), ('shop_extras', '0001_initial')]",
        'except ImportError:',
        '    class Migration(migrations.Migration):',
        "        dependencies = [('shop', '0001_initial')]",
      ),
    );
    expect(error.needsPython).toBe(true);
    expect(error.line).toBe(3);
    expect(error.reason).toMatch(/only Python can tell/);
  });

  it('a name bound to itself is an error, not a hang', () => {
    expect(parseError(py('ops = ops + []', 'class Migration(migrations.Migration):', '    operations = ops')).reason).toMatch(/more than 20 names/);
  });
});

describe('parseMigrationSource errors', () => {
  it('reports a file without class Migration', () => {
    const error = parseError(py('from django.db import migrations', '', 'class Other(migrations.Migration):', '    pass'));
    expect(error.file).toBe('/repo/shop/migrations/0002_change.py');
    expect(error.line).toBe(1);
    expect(error.message).toBe('Cannot read the migration /repo/shop/migrations/0002_change.py, line 1: no top-level `class Migration` found.');
    expect(error.fix).toContain('py_compile');
  });

  it('reports an unterminated string at the line it starts', () => {
    expect(parseError(py('class Migration(migrations.Migration):', "    dependencies = [('shop', '0001)]", '    operations = []')).line).toBe(2);
    expect(parseError(py('X = """', 'never closed', '', 'class Migration:', '    pass')).line).toBe(1);
  });

  it('reports a bracket that is never closed, or closed by the wrong one', () => {
    const unclosed = parseError(py('class Migration(migrations.Migration):', '    dependencies = [', "        ('shop', '0001'),", '    operations = []'));
    expect(unclosed.line).toBe(2);
    expect(unclosed.reason).toMatch(/never closed/);
    const mismatched = parseError(py('class Migration(migrations.Migration):', "    dependencies = [('shop', '0001')", ')'));
    expect(mismatched.line).toBe(3);
    expect(mismatched.reason).toMatch(/unmatched/);
  });

  it('refuses values it cannot read without Python, naming the line', () => {
    const computed = parseError(py('class Migration(migrations.Migration):', '', '    dependencies = BASE_DEPENDENCIES'));
    expect(computed.line).toBe(3);
    expect(computed.reason).toMatch(/`dependencies` must be a literal list/);
    const added = parseError(py('class Migration(migrations.Migration):', "    dependencies = [('a', '0001')] + EXTRA"));
    expect(added.reason).toMatch(/or a name bound to one earlier in the module\); EXTRA is not/);
    expect(parseError(py('class Migration(migrations.Migration):', "    dependencies = [('a',)]")).reason).toMatch(/pair/);
    expect(parseError(py('class Migration(migrations.Migration):', '    dependencies = [make_dependency()]')).reason).toMatch(/pair/);
    expect(parseError(py('class Migration(migrations.Migration):', "    replaces = [(APP, '0001')]")).reason).toMatch(/pair of two strings/);
    expect(parseError(py('class Migration(migrations.Migration):', "    dependencies = [(f'{APP}', '0001')]")).reason).toMatch(/f-strings/);
    expect(parseError(py('class Migration(migrations.Migration):', '    initial = 1')).reason).toMatch(/initial/);
    expect(parseError(py('class Migration(migrations.Migration):', '    dependencies = [swappable_dependency(AUTH)]')).reason).toMatch(/swappable_dependency/);
  });

  it('reports a class without an indented body', () => {
    expect(parseError(py('class Migration(migrations.Migration):', 'dependencies = []')).reason).toMatch(/indented body/);
  });

  it('never throws anything but MigrationParseError on malformed input', () => {
    const samples = ['class Migration(', 'class Migration(migrations.Migration):\n    dependencies = [(', '\\x', 'class Migration:\n    operations = [migrations.AddField(]', ')'];
    for (const sample of samples) expect(() => parse(sample), sample).toThrow(MigrationParseError);
  });

  it('survives a thousand random edits of real files with a result or a MigrationParseError', () => {
    const sources = ['catalog/migrations/0001_squashed_0002_product_category_price.py', 'catalog/migrations/0003_populate_categories.py', 'orders/migrations/0001_initial.py']
      .map((file) => readFileSync(path.join(FIXTURE, file), 'utf8'));
    const pieces = ['(', ')', '[', ']', '{', '}', "'", '"', '#', '\n', ' ', '\\', ',', '=', ':', '"""', '\t', '\r'];
    let seed = 20261125; // a fixed seed: the same edits every run
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 1000; i++) {
      let source = sources[i % sources.length]!;
      const at = Math.floor(random() * source.length);
      const choice = random();
      if (choice < 0.4) source = source.slice(0, at) + source.slice(at + 1 + Math.floor(random() * 5));
      else if (choice < 0.8) source = source.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + source.slice(at);
      else source = source.slice(0, at);
      try {
        parse(source);
      } catch (error) {
        if (!(error instanceof MigrationParseError)) throw new Error(`crashed on ${JSON.stringify(source)}`, { cause: error });
      }
    }
  });
});
