"""The indicator catalogue (domain.md §1.2): data, editable later; ``steering.indicators`` reads it."""

from django.db import migrations

PERSONS = ["sex", "age_band", "protection_type", "nationality_group", "commune", "time_since_protection", "programme"]
DURABLE_HOUSING = ["social_rental", "private_rental", "residence_sociale", "fjt"]
DURABLE_EMPLOYMENT = ["cdi", "cdd_long", "work_study"]
FOREIGN_LICENCE = ["to_exchange", "requested", "exchanged", "refused", "window_closed"]

INDICATORS = [
    {
        "code": "persons_reached",
        "label": "Personnes touchées par les actions",
        "description": "Personnes distinctes ayant participé à au moins une action du contrat pendant la période, "
        "comptées une seule fois quel que soit le nombre d'actions et de porteurs.",
        "kind": "count_distinct_persons",
    },
    {
        "code": "persons_accompanied",
        "label": "Personnes accompagnées sur le territoire",
        "description": "Personnes distinctes résidant dans une commune du territoire et ayant un parcours "
        "d'accompagnement (tout programme) en cours pendant la période.",
        "kind": "count_distinct_persons",
        "population": "accompanied",
    },
    {
        "code": "durable_housing_rate",
        "label": "Part des personnes en logement durable",
        "description": "Parmi les personnes touchées, celles dont la situation de logement à la fin de la période "
        "est un logement durable (logement social, location privée, résidence sociale, FJT).",
        "kind": "rate",
        "numerator_spec": {"situation": {"domain": "housing", "status_in": DURABLE_HOUSING}},
    },
    {
        "code": "employment_or_training_rate",
        "label": "Part des personnes en emploi durable ou en formation qualifiante",
        "description": "Parmi les personnes touchées, celles en emploi durable (CDI, CDD de 6 mois ou plus, "
        "alternance) ou en formation qualifiante à la fin de la période.",
        "kind": "rate",
        "numerator_spec": {
            "any_of": [
                {"situation": {"domain": "employment", "status_in": DURABLE_EMPLOYMENT}},
                {"situation": {"domain": "training", "status_in": ["qualifying"]}},
            ]
        },
    },
    {
        "code": "cefr_progression_rate",
        "label": "Progression du niveau de français (CECRL)",
        "description": "Parmi les personnes évaluées au moins deux fois (niveau global), celles dont le dernier "
        "niveau est supérieur au premier.",
        "kind": "rate",
        "numerator_spec": {"french": {"progressed": True}},
        "denominator_spec": {"french": {"min_assessments": 2}},
    },
    {
        "code": "caf_rights_rate",
        "label": "Droits CAF ouverts (dont RSA)",
        "description": "Parmi les personnes touchées, celles dont le dossier CAF est ouvert à la fin de la période.",
        "kind": "rate",
        "numerator_spec": {"caf": {"registered": True}},
    },
    {
        "code": "puma_open_rate",
        "label": "Protection universelle maladie (PUMa) ouverte",
        "description": "Parmi les personnes touchées, celles dont la PUMa est ouverte (décompte agrégé).",
        "kind": "rate",
        "numerator_spec": {"health": {"puma_status": "open"}},
    },
    {
        "code": "bank_account_rate",
        "label": "Compte bancaire ouvert",
        "description": "Parmi les personnes touchées, celles dont le compte bancaire est ouvert.",
        "kind": "rate",
        "numerator_spec": {"bank": {"step": "open"}},
    },
    {
        "code": "licence_exchanged_rate",
        "label": "Permis de conduire étranger échangé",
        "description": "Parmi les personnes touchées titulaires d'un permis étranger, celles dont le permis a été échangé.",
        "kind": "rate",
        "numerator_spec": {"licence": {"status_in": ["exchanged"]}},
        "denominator_spec": {"licence": {"status_in": FOREIGN_LICENCE}},
    },
    {
        "code": "delay_protection_cir",
        "label": "Délai médian entre la protection et la signature du CIR (jours)",
        "description": "De la décision de protection (à défaut sa notification) à la signature du CIR.",
        "kind": "median_delay",
        "events": {"from": "protection", "to": "cir_signed"},
    },
    {
        "code": "delay_cir_first_contact",
        "label": "Délai médian entre le CIR et le premier entretien (jours)",
        "description": "De la signature du CIR au premier entretien d'un parcours d'accompagnement.",
        "kind": "median_delay",
        "events": {"from": "cir_signed", "to": "first_contact"},
    },
    {
        "code": "delay_entry_first_contract",
        "label": "Délai médian entre l'entrée en parcours et le premier contrat de travail (jours)",
        "description": "De la première entrée en parcours au premier contrat (embauche ou situation d'emploi).",
        "kind": "median_delay",
        "events": {"from": "pathway_entry", "to": "first_contract"},
    },
    {
        "code": "delay_protection_durable_housing",
        "label": "Délai médian entre la protection et le premier logement durable (jours)",
        "description": "De la décision de protection au premier logement durable (0 si déjà logé durablement).",
        "kind": "median_delay",
        "events": {"from": "protection", "to": "durable_housing"},
    },
    {
        "code": "budget_granted",
        "label": "Montants accordés",
        "description": "Somme des montants accordés sur les lignes budgétaires des actions.",
        "kind": "budget_sum",
        "budget_spec": {"amount": "granted"},
        "disaggregations": ["co_funder", "axis"],
    },
    {
        "code": "budget_paid",
        "label": "Montants versés",
        "description": "Somme des montants versés sur les lignes budgétaires des actions.",
        "kind": "budget_sum",
        "budget_spec": {"amount": "paid"},
        "disaggregations": ["co_funder", "axis"],
    },
]


def seed(apps, schema_editor):
    IndicatorDefinition = apps.get_model("steering", "IndicatorDefinition")
    for position, spec in enumerate(INDICATORS, 1):
        values = {"disaggregations": PERSONS, "population": "reached", **spec, "position": position}
        code = values.pop("code")
        IndicatorDefinition.objects.update_or_create(code=code, defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("steering", "IndicatorDefinition").objects.filter(code__in=[i["code"] for i in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
