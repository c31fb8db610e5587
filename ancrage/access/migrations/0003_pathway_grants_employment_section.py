"""Pathway grants cover every section: add the new socio-professional profile section to those that exist."""

from django.db import migrations


def add_section(apps, schema_editor):
    AccessGrant = apps.get_model("access", "AccessGrant")
    for grant in AccessGrant.objects.filter(origin="pathway").only("pk", "sections").iterator():
        if "employment" not in grant.sections:
            AccessGrant.objects.filter(pk=grant.pk).update(sections=sorted([*grant.sections, "employment"]))


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(add_section, migrations.RunPython.noop)]
