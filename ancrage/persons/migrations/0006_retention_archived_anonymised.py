from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("persons", "0005_birth_date_conventional_agdref_merged_into"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="archived_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="archivé le"),
        ),
        migrations.AddField(
            model_name="person",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymisé le"),
        ),
    ]
