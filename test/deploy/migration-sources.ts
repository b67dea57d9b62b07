// Migrations and model changes the deploy tests push to origin, as a developer would commit them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR } from '../helpers/fixture-project.js';

const catalogModels = readFileSync(path.join(FIXTURE_DIR, 'catalog/models.py'), 'utf8');
const ordersModels = readFileSync(path.join(FIXTURE_DIR, 'orders/models.py'), 'utf8');

/** catalog/models.py with extra field lines in Product (and optionally Tag). */
export function catalogModelsWith(productFields: string[], tagFields: string[] = []): string {
  let source = catalogModels.replace(
    "    sku = models.CharField(max_length=32, blank=True, default='', db_index=True)\n",
    `    sku = models.CharField(max_length=32, blank=True, default='', db_index=True)\n${productFields.map((line) => `    ${line}\n`).join('')}`,
  );
  source = source.replace("    label = models.CharField(max_length=50, unique=True)\n", `    label = models.CharField(max_length=50, unique=True)\n${tagFields.map((line) => `    ${line}\n`).join('')}`);
  return source;
}

/** orders/models.py with extra field lines in Order. */
export function ordersModelsWith(orderFields: string[]): string {
  return ordersModels.replace(
    "    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default='new')\n",
    `    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default='new')\n${orderFields.map((line) => `    ${line}\n`).join('')}`,
  );
}

function migration(dependency: [string, string], operations: string[]): string {
  return `from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('${dependency[0]}', '${dependency[1]}'),
    ]

    operations = [
${operations.map((operation) => `        ${operation},`).join('\n')}
    ]
`;
}

const WEIGHT_FIELD = 'weight_grams = models.IntegerField(default=0)';
const WEIGHT_OPERATION = "migrations.AddField(model_name='product', name='weight_grams', field=models.IntegerField(default=0))";

/** Two good migrations in two apps, with their model changes. */
export const TWO_GOOD_MIGRATIONS: Record<string, string> = {
  'catalog/models.py': catalogModelsWith([WEIGHT_FIELD]),
  'catalog/migrations/0005_product_weight_grams.py': migration(['catalog', '0004_tags_and_sku'], [WEIGHT_OPERATION]),
  'orders/models.py': ordersModelsWith(["reference = models.CharField(max_length=20, blank=True, default='')"]),
  'orders/migrations/0003_order_reference.py': migration(['orders', '0002_order_status'], [
    "migrations.AddField(model_name='order', name='reference', field=models.CharField(blank=True, default='', max_length=20))",
  ]),
};

/** First operation succeeds (a real ALTER TABLE), second fails: a unique index over duplicate product names. */
export const FAILS_HALFWAY: Record<string, string> = {
  'catalog/models.py': catalogModelsWith([WEIGHT_FIELD]),
  'catalog/migrations/0005_weight_and_unique_name.py': migration(['catalog', '0004_tags_and_sku'], [
    WEIGHT_OPERATION,
    "migrations.RunSQL('CREATE UNIQUE INDEX catalog_product_name_uniq ON catalog_product (name)', reverse_sql='DROP INDEX catalog_product_name_uniq ON catalog_product')",
  ]),
};

/** A committed migration for orders, and a catalog model change whose migration was never committed. */
export const MIGRATION_NOT_COMMITTED: Record<string, string> = {
  'orders/models.py': TWO_GOOD_MIGRATIONS['orders/models.py']!,
  'orders/migrations/0003_order_reference.py': TWO_GOOD_MIGRATIONS['orders/migrations/0003_order_reference.py']!,
  'catalog/models.py': catalogModelsWith(["colour = models.CharField(max_length=20, blank=True, default='')"]),
};

/** First ALTERs catalog_tag, then catalog_product: a test can hold a lock on catalog_product to catch migrate midway. */
export const TWO_TABLES: Record<string, string> = {
  'catalog/models.py': catalogModelsWith([WEIGHT_FIELD], ["colour = models.CharField(max_length=20, blank=True, default='')"]),
  'catalog/migrations/0005_tag_colour_product_weight.py': migration(['catalog', '0004_tags_and_sku'], [
    "migrations.AddField(model_name='tag', name='colour', field=models.CharField(blank=True, default='', max_length=20))",
    WEIGHT_OPERATION,
  ]),
};

/** A migration file as makemigrations would write it on the server (never committed). */
export const SERVER_MADE_MIGRATION = migration(['catalog', '0004_tags_and_sku'], [
  "migrations.AddField(model_name='product', name='note', field=models.TextField(blank=True, default=''))",
]);

/** Lock-safety: one migration per kind of ALTER the server answers differently (models not changed: classification only). */
export const LOCK_KINDS: Record<string, string> = {
  'catalog/migrations/0005_instant_nullable_field.py': migration(['catalog', '0004_tags_and_sku'], [
    "migrations.AddField(model_name='product', name='weight_grams', field=models.IntegerField(null=True))",
  ]),
  'catalog/migrations/0006_inplace_index.py': migration(['catalog', '0005_instant_nullable_field'], [
    "migrations.AddIndex(model_name='product', index=models.Index(fields=['price_cents'], name='catalog_price_idx'))",
  ]),
  'catalog/migrations/0007_copy_foreign_key.py': migration(['catalog', '0006_inplace_index'], [
    "migrations.AddField(model_name='product', name='main_tag', field=models.ForeignKey(null=True, on_delete=models.SET_NULL, related_name='+', to='catalog.tag'))",
  ]),
  'catalog/migrations/0008_copy_varchar_over_255_bytes.py': migration(['catalog', '0007_copy_foreign_key'], [
    "migrations.AlterField(model_name='tag', name='label', field=models.CharField(max_length=100, unique=True))",
  ]),
  'catalog/migrations/0009_copy_type_change.py': migration(['catalog', '0008_copy_varchar_over_255_bytes'], [
    "migrations.AlterField(model_name='product', name='price_cents', field=models.BigIntegerField(default=0))",
  ]),
};

/** A column type change on catalog_product (a table copy), with its model change: deployable with --allow-blocking. */
export const COPYING_TYPE_CHANGE: Record<string, string> = {
  'catalog/models.py': catalogModels.replace('    price_cents = models.IntegerField(default=0)\n', '    price_cents = models.BigIntegerField(default=0)\n'),
  'catalog/migrations/0005_price_cents_bigint.py': migration(['catalog', '0004_tags_and_sku'], [
    "migrations.AlterField(model_name='product', name='price_cents', field=models.BigIntegerField(default=0))",
  ]),
};
