from django.db import migrations

REASONS = [
    ("no_capacity", "Plus de place disponible"),
    ("not_eligible", "La personne ne remplit pas les conditions d'accès"),
    ("french_level", "Niveau de français insuffisant pour ce service"),
    ("out_of_zone", "Hors de la zone desservie"),
    ("unreachable", "Personne injoignable"),
    ("declined_by_person", "La personne ne souhaite plus ce service"),
    ("better_elsewhere", "Un autre service est plus adapté"),
    ("duplicate", "Orientation en double"),
    ("other", "Autre motif (préciser)"),
]


def seed(apps, schema_editor):
    RefusalReason = apps.get_model("referrals", "RefusalReason")
    for position, (code, label) in enumerate(REASONS):
        RefusalReason.objects.update_or_create(code=code, defaults={"label": label, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("referrals", "RefusalReason").objects.filter(code__in=[c for c, _ in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
