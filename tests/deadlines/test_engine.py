"""The deadline engine at its edges: ends of months, leap years, extensions, renewals, rule changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ancrage.deadlines.engine import recompute_all, recompute_person, recompute_persons
from ancrage.deadlines.models import Deadline, DeadlineRule
from ancrage.employment.models import EmploymentProfile
from ancrage.persons.models import Protection, ResidenceDocument, Situation
from ancrage.tracks.models import LicenceReciprocity, SocialHousingRequest, StayExtension
from tests.factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date


def deadline(person, code):
    return Deadline.objects.get(person=person, code=code)


def protected(notified: dt.date, housing: str = "cada", left: dt.date | None = None):
    person = PersonFactory()
    Situation.objects.create(person=person, domain="housing", status=housing, start_date=D(2024, 5, 1), end_date=left)
    Protection.objects.create(
        person=person, type="refugee", deciding_body="ofpra", decision_date=notified, notification_date=notified
    )
    return person


@pytest.mark.parametrize(
    ("notified", "due"),
    [
        (D(2026, 1, 15), D(2026, 4, 30)),  # end of the 3rd month after the month of notification
        (D(2025, 11, 30), D(2026, 2, 28)),
        (D(2027, 11, 5), D(2028, 2, 29)),  # leap year
        (D(2026, 2, 1), D(2026, 5, 31)),  # not the 28th: the end of the month
    ],
)
def test_asylum_housing_exit_is_the_end_of_the_third_month(notified, due):
    person = protected(notified)
    item = deadline(person, "asylum_housing_exit")
    assert item.due_on == due and item.status == "open"


def test_asylum_housing_extension_is_granted_once_only():
    person = protected(D(2026, 1, 15))
    StayExtension.objects.create(person=person, kind="asylum_housing", granted_on=D(2026, 4, 10))
    assert deadline(person, "asylum_housing_exit").due_on == D(2026, 7, 31)
    StayExtension.objects.create(person=person, kind="asylum_housing", granted_on=D(2026, 7, 10))
    assert deadline(person, "asylum_housing_exit").due_on == D(2026, 7, 31)


def test_leaving_asylum_housing_marks_the_item_done():
    person = protected(D(2026, 1, 15))
    Situation.objects.filter(person=person).update(end_date=D(2026, 3, 31))
    recompute_person(person.pk)
    item = deadline(person, "asylum_housing_exit")
    assert item.status == "done" and item.done_on == D(2026, 3, 31)


def test_no_asylum_housing_item_when_not_housed_in_the_dna():
    person = protected(D(2026, 1, 15), housing="third_party")
    assert not Deadline.objects.filter(person=person, code="asylum_housing_exit").exists()


def test_cph_nine_months_then_three_month_extensions():
    person = PersonFactory()
    Situation.objects.create(person=person, domain="housing", status="cph", start_date=D(2025, 5, 31))
    assert deadline(person, "cph_end").due_on == D(2026, 2, 28)
    StayExtension.objects.create(person=person, kind="cph", granted_on=D(2026, 2, 1))
    StayExtension.objects.create(person=person, kind="cph", granted_on=D(2026, 5, 1))
    assert deadline(person, "cph_end").due_on == D(2026, 8, 31)


def test_social_housing_request_renewal_on_its_anniversary_each_year():
    person = PersonFactory()
    request = SocialHousingRequest.objects.create(
        person=person, sne_number="035 0224 00123 AB", requested_on=D(2024, 2, 29), household_size=3
    )
    first = deadline(person, "sne_renewal")
    assert (first.opens_on, first.due_on) == (D(2025, 1, 28), D(2025, 2, 28))
    request.last_renewed_on = D(2025, 2, 20)
    request.save()
    items = Deadline.objects.filter(person=person, code="sne_renewal").order_by("due_on")
    assert [(i.status, i.done_on, i.due_on) for i in items] == [
        ("done", D(2025, 2, 20), D(2025, 2, 28)),
        ("open", None, D(2026, 2, 20)),
    ]


def test_a_renewal_before_the_request_is_refused():
    request = SocialHousingRequest(
        person=PersonFactory(),
        sne_number="035 0224 00123 AB",
        requested_on=D(2025, 3, 1),
        last_renewed_on=D(2025, 1, 1),
        household_size=2,
    )
    with pytest.raises(ValidationError) as error:
        request.full_clean()
    assert "Le renouvellement ne peut pas précéder la demande." in str(error.value)


def test_a_rule_changed_mid_pathway_keeps_the_items_already_computed():
    person = protected(D(2026, 1, 15))
    DeadlineRule.objects.create(
        code="asylum_housing_exit", valid_from=D(2026, 3, 1), months=1, extension_months=1, max_extensions=0
    )
    recompute_person(person.pk)
    kept = deadline(person, "asylum_housing_exit")
    assert kept.due_on == D(2026, 4, 30) and kept.rule_label == "asylum_housing_exit@2018-01-01"
    later = protected(D(2026, 3, 10))
    item = deadline(later, "asylum_housing_exit")
    assert item.due_on == D(2026, 4, 30) and item.rule_label == "asylum_housing_exit@2026-03-01"


def test_a_rule_version_already_used_cannot_be_edited():
    protected(D(2026, 1, 15))
    rule = DeadlineRule.objects.get(code="asylum_housing_exit", valid_from=D(2018, 1, 1))
    rule.months = 6
    with pytest.raises(ValidationError, match="ajoutez une nouvelle version"):
        rule.full_clean()


def test_licence_exchange_within_a_year_of_the_first_receipt():
    person = PersonFactory()
    profile = EmploymentProfile.objects.create(
        person=person, licence_status="to_exchange", licence_country="AF", licence_first_receipt_on=D(2025, 3, 10)
    )
    item = deadline(person, "licence_exchange")
    assert item.due_on == D(2026, 3, 10) and "Réciprocité" in item.note
    LicenceReciprocity.objects.create(country="AF", exchange_possible=False, valid_from=D(2020, 1, 1))
    recompute_person(person.pk)
    assert deadline(person, "licence_exchange").status == "cancelled"
    LicenceReciprocity.objects.all().update(exchange_possible=True)
    profile.licence_status = "requested"
    profile.save()
    assert deadline(person, "licence_exchange").status == "done"


def test_residence_card_renewal_window_four_to_two_months_before_expiry():
    person = PersonFactory()
    card = ResidenceDocument.objects.create(
        person=person, kind="carte_pluriannuelle", issue_date=D(2022, 6, 30), expiry_date=D(2026, 6, 30)
    )
    item = deadline(person, "residence_renewal")
    assert (item.opens_on, item.due_on) == (D(2026, 2, 28), D(2026, 4, 30))
    card.renewal_requested_on = D(2026, 3, 15)
    card.save()
    assert deadline(person, "residence_renewal").done_on == D(2026, 3, 15)


def test_agir_first_interview_within_a_month_of_the_cir_and_24_months_of_accompaniment(cast):
    pathway = PathwayFactory(operator=cast.agir, programme="agir", entry_date=D(2026, 2, 2))
    person = pathway.person
    person.cir_signed_on = D(2026, 1, 31)
    person.save()
    interview = deadline(person, "agir_first_interview")
    assert interview.due_on == D(2026, 2, 28) and interview.rule_label == "programme:agir@2022-01-01"
    assert deadline(person, "accompaniment_end").due_on == D(2028, 2, 2)
    pathway.first_interview_on = D(2026, 3, 3)
    pathway.save()
    assert deadline(person, "agir_first_interview").done_on == D(2026, 3, 3)  # done, late


def test_an_item_whose_source_is_deleted_is_kept_without_object():
    person = PersonFactory()
    card = ResidenceDocument.objects.create(
        person=person, kind="carte_pluriannuelle", issue_date=D(2022, 6, 30), expiry_date=D(2026, 6, 30)
    )
    card.delete()
    assert deadline(person, "residence_renewal").status == "cancelled"


def test_recompute_all_is_idempotent_with_bounded_queries(django_assert_max_num_queries):
    for day in (D(2026, 1, 15), D(2026, 2, 10), D(2026, 3, 5)):
        protected(day)
    assert recompute_all() == 0  # already up to date: nothing rewritten
    with django_assert_max_num_queries(20):
        recompute_all()


def _with_every_source(n: int):
    """A person with every kind of record the calculators read, at least one item of each rule."""
    from ancrage.tracks.models import HealthCoverage

    person = protected(D(2026, 1, 15))
    person.cir_signed_on = D(2026, 1, 31)
    person.save()
    StayExtension.objects.create(person=person, kind="asylum_housing", granted_on=D(2026, 4, 10))
    Situation.objects.create(person=person, domain="housing", status="cph", start_date=D(2026, 6, 1))
    SocialHousingRequest.objects.create(
        person=person, sne_number=f"035 0224 0012{n} AB", requested_on=D(2025, 2, 3), household_size=2
    )
    EmploymentProfile.objects.create(
        person=person, licence_status="to_exchange", licence_country="AF", licence_first_receipt_on=D(2025, 3, 10)
    )
    ResidenceDocument.objects.create(
        person=person, kind="carte_pluriannuelle", issue_date=D(2022, 6, 30), expiry_date=D(2026, 6, 30)
    )
    HealthCoverage.objects.create(
        person=person, css_status="open", css_opened_on=D(2026, 2, 1), css_expires_on=D(2027, 1, 31)
    )
    PathwayFactory(person=person, programme="agir", entry_date=D(2026, 2, 2))
    return person


def test_a_recomputation_reads_every_source_in_the_same_queries_for_one_person_or_many():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    persons = [_with_every_source(n) for n in range(4)]
    codes = set(Deadline.objects.filter(person=persons[0]).values_list("code", flat=True))
    assert len(codes) >= 7  # every calculator has something to say about them
    Deadline.objects.all().delete()  # written again, each row compared and created
    with CaptureQueriesContext(connection) as one:
        recompute_person(persons[0].pk)
    Deadline.objects.all().delete()
    with CaptureQueriesContext(connection) as four:
        written = recompute_persons([p.pk for p in persons])
    assert written == Deadline.objects.count() == 4 * Deadline.objects.filter(person=persons[0]).count()
    # No column read later row by row (a deferred field would cost a query per person).
    assert len(four) == len(one)
    assert set(Deadline.objects.filter(person=persons[3]).values_list("code", flat=True)) == codes


def test_the_daily_recomputation_leaves_archived_records_as_they_were():
    from django.utils import timezone

    from ancrage.persons.models import Person

    kept, archived = protected(D(2026, 1, 15)), protected(D(2026, 1, 15))
    Person.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    # Both records lose their housing stay behind the engine's back (a bulk update sends no signal).
    Situation.objects.filter(person__in=[kept, archived]).update(status="social_housing")
    assert recompute_all() == 1  # the record still followed only
    assert deadline(kept, "asylum_housing_exit").status == "cancelled"
    assert deadline(archived, "asylum_housing_exit").status == "open"


def test_platform_admins_add_a_rule_version_but_cannot_edit_a_used_one(client, cast):
    from django.urls import reverse

    from tests.conftest import login

    protected(D(2026, 1, 15))
    used = DeadlineRule.objects.get(code="asylum_housing_exit", valid_from=D(2018, 1, 1))
    login(client, cast.sofia)
    url = reverse("admin:deadlines_deadlinerule_change", args=[used.pk])
    data = {
        "code": "asylum_housing_exit",
        "valid_from": "2018-01-01",
        "months": 6,
        "lead_months": 0,
        "extension_months": 3,
        "max_extensions": 1,
        "notify_days_before": 21,
        "source": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "ajoutez une nouvelle version" in response.content.decode()
    used.refresh_from_db()
    assert used.months == 3
    added = client.post(reverse("admin:deadlines_deadlinerule_add"), {**data, "valid_from": "2027-01-01"})
    assert added.status_code == 302
    assert DeadlineRule.objects.filter(code="asylum_housing_exit", valid_from=D(2027, 1, 1), months=6).exists()


def test_overlapping_housing_periods_are_refused_wherever_they_are_recorded(cast, followed):
    from ancrage.persons.services import record_item_save

    Situation.objects.create(
        person=followed, domain="housing", status="cada", start_date=D(2025, 1, 1), end_date=D(2025, 6, 30)
    )
    overlapping = Situation(domain="housing", status="third_party", start_date=D(2025, 6, 1))
    with pytest.raises(ValidationError, match="chevauche une autre situation de logement"):
        record_item_save(actor=cast.amina.actor, person=followed, item=overlapping, section="housing")
    following = Situation(domain="housing", status="third_party", start_date=D(2025, 6, 30))  # touching ends
    record_item_save(actor=cast.amina.actor, person=followed, item=following, section="housing")
    assert followed.situations.filter(domain="housing").count() == 2
