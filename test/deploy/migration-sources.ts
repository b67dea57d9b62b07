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
