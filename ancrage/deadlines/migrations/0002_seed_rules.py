import datetime as dt

from django.db import migrations

RULES = [
    # code, months, lead, extension, max extensions, notify days, source
    ("asylum_housing_exit", 3, 0, 3, 1, 21, "Fin du 3e mois après le mois de notification, renouvelable une fois (accord OFII)."),
    ("cph_end", 9, 0, 3, None, 30, "CPH : 9 mois, prolongeables par périodes de 3 mois (OFII)."),
    ("sne_renewal", 12, 1, 0, 0, 30, "Demande de logement social à renouveler chaque année à sa date anniversaire."),
    ("licence_exchange", 12, 0, 0, 0, 60, "Échange du permis dans l'année suivant le premier récépissé (arrêté du 12 janvier 2012)."),
    ("residence_renewal", 2, 2, 0, 0, 14, "Renouvellement du titre à demander de 4 à 2 mois avant son expiration."),
    ("css_renewal", 2, 1, 0, 0, 14, "Complémentaire santé solidaire accordée pour un an : renouvellement 2 mois avant."),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for code, months, lead, extension, max_extensions, notify, source in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            valid_from=dt.date(2018, 1, 1),
            defaults={
                "months": months,
                "lead_months": lead,
                "extension_months": extension,
                "max_extensions": max_extensions,
                "notify_days_before": notify,
                "source": source,
            },
        )
    LanguageRequirementRule = apps.get_model("tracks", "LanguageRequirementRule")
    for kind, level in (("carte_pluriannuelle", "A2"), ("carte_resident", "B1")):
        LanguageRequirementRule.objects.get_or_create(
            document_kind=kind,
            valid_from=dt.date(2026, 1, 1),
            defaults={
                "level": level,
                "civic_exam": True,
                "note": "Loi du 26 janvier 2024, premier titre ; à vérifier pour les titres délivrés de plein droit aux BPI.",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial"), ("tracks", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
