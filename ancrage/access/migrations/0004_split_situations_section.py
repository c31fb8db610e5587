"""Split the "situations" section into minimal sections; CAF and bank leave "protection" for "rights".

"situations" held the whole dated situation history and the housing track. It becomes two sections
that together hold exactly the same: "employment_history" (employment, training and French-learning
situations) and "housing" (housing situations, SIAO and social-housing requests, offers, mobility,
stay extensions and their deadlines). The CAF file and the bank account move from "protection" to a
new "rights" section, so whoever held "protection" gets "rights" too. Nobody gains or loses access.

Every list of sections is rewritten: access grants, consents and referrals. History rows of consents
are left as they were (they record what was chosen then).

Backwards: "situations" comes back only where both of its halves are present and "rights" is
dropped; "protection" is kept only where "rights" was present too (the old "protection" showed the
CAF file and the bank account). A list created after the split with only part of a former section
loses that part rather than gain the rest.
"""

from django.db import migrations

SPLIT = {"situations": ("employment_history", "housing")}
# A section that took data away from another one: who held the other one gets it too.
TAKEN_FROM = {"rights": "protection"}

MODELS = (("access", "AccessGrant"), ("access", "Consent"), ("referrals", "Referral"))
BATCH = 1000


def split_codes(codes: list[str]) -> list[str]:
    result = set(codes)
    for old, new in SPLIT.items():
        if old in result:
            result.discard(old)
            result.update(new)
    for new, old in TAKEN_FROM.items():
        if old in result:
            result.add(new)
    return sorted(result)


def join_codes(codes: list[str]) -> list[str]:
    result = set(codes)
    for new, old in TAKEN_FROM.items():
        if old in result and new not in result:
            result.discard(old)
        result.discard(new)
    for old, new in SPLIT.items():
        if result.issuperset(new):
            result.add(old)
        result.difference_update(new)
    return sorted(result)


def _rewrite(apps, convert) -> None:
    for app_label, name in MODELS:
        model = apps.get_model(app_label, name)
        changed = []
        for row in model.objects.only("pk", "sections").order_by("pk").iterator(chunk_size=BATCH):
            codes = convert(list(row.sections or []))
            if codes != row.sections:
                row.sections = codes
                changed.append(row)
            if len(changed) >= BATCH:
                model.objects.bulk_update(changed, ["sections"])
                changed = []
        if changed:
            model.objects.bulk_update(changed, ["sections"])


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, split_codes)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, join_codes)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_pathway_grants_employment_section"),
        ("referrals", "0004_attachments"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
