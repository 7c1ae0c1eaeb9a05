import django.db.models.deletion
from django.db import migrations, models

FTS = ("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
       "number, title, body, procedure_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')")


def create_fts(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FTS)


def drop_fts(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    initial = True
    dependencies = [("procedures", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("revision_number", models.PositiveIntegerField()),
                ("number", models.CharField(max_length=64)),
                ("title", models.CharField(max_length=400)),
                ("body", models.TextField()),
                ("procedure", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                   to="procedures.procedure")),
            ],
        ),
        migrations.RunPython(create_fts, drop_fts),
    ]
