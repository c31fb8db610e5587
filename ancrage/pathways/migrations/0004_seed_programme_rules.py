import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    ProgrammeRule = apps.get_model("pathways", "ProgrammeRule")
    ProgrammeRule.objects.get_or_create(
        programme="agir",
        valid_from=dt.date(2022, 1, 1),
        defaults={
            "first_interview_months": 1,
            "duration_months": 24,
            "commitment_contract": True,
            "source": "AGIR : premier entretien dans le mois suivant la signature du CIR, 24 mois au plus.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_programme_rules_first_interview_commitment")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
