"""The review pages: queue, pair side by side, decision, merge confirmation, merge history and undo."""

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.linkage.merge import person_merge
from ancrage.linkage.models import CandidateStatus, DuplicateCandidate, PersonMerge
from ancrage.persons.models import Identity, Person

from ..access import matrix
from ..conftest import login
from .test_review import accompanied, pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(cast):
    mine_1 = accompanied(cast.agir, ("AHMADI", "Karim"))
    Identity.objects.create(person=mine_1, last_name="احمدی", first_names="کریم", script="Arab")
    mine_2 = accompanied(cast.agir, ("AHMADY", "Kareem"))
    theirs = accompanied(cast.other_association, ("AHMADI", "Karim"))
    return {"mine": pair(mine_1, mine_2), "cross": pair(mine_1, theirs)}


def test_the_queue_shows_amina_her_pairs_only(client, cast, pairs):
    response = login(client, cast.amina).get(reverse("linkage:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "AHMADY" in page
    assert reverse("linkage:candidate", args=[pairs["mine"].pk]) in page
    assert reverse("linkage:candidate", args=[pairs["cross"].pk]) not in page
    event = AuditEvent.objects.filter(event="duplicate.list").latest("id")
    assert event.details["ids"] == sorted([pairs["mine"].person_a_id, pairs["mine"].person_b_id])


@pytest.mark.parametrize("persona", ["marc", "claire", "yves", "sofia"])
def test_the_queue_is_404_for_who_does_not_review(client, cast, pairs, persona):
    assert login(client, getattr(cast, persona)).get(reverse("linkage:queue")).status_code == 404


@pytest.mark.parametrize("persona", ["hugo", "marc", "claire", "sofia"])
def test_the_pair_pages_are_404_for_outsiders(client, cast, pairs, persona):
    client = login(client, getattr(cast, persona))
    for name in ("linkage:candidate", "linkage:merge"):
        response = client.get(reverse(name, args=[pairs["mine"].pk]))
        assert response.status_code == 404
        assert b"AHMAD" not in response.content


def test_a_pair_with_another_partners_record_is_404_by_url(client, cast, pairs):
    client = login(client, cast.amina)
    for name in ("linkage:candidate", "linkage:merge"):
        assert client.get(reverse(name, args=[pairs["cross"].pk])).status_code == 404
    assert client.get(reverse("linkage:candidate", args=[999_999])).status_code == 404


def test_the_queue_filters_and_searches(client, cast, pairs):
    client = login(client, cast.amina)
    other = pair(accompanied(cast.agir, ("TESFAYE", "Abeba")), accompanied(cast.agir, ("TESFAY", "Abeba")))
    page = client.get(reverse("linkage:queue"), {"q": "tesfaye"}).content.decode()
    assert reverse("linkage:candidate", args=[other.pk]) in page
    assert reverse("linkage:candidate", args=[pairs["mine"].pk]) not in page
    decided = client.get(reverse("linkage:queue"), {"etat": "decided"}).content.decode()
    assert "Aucune paire n&#x27;a encore été examinée" in decided or "Aucune paire n'a encore été examinée" in decided


def test_the_empty_queue_says_what_the_daily_job_does(client, cast):
    page = login(client, cast.amina).get(reverse("linkage:queue")).content.decode()
    assert "Chaque nuit" in page and "Rien n'est jamais fusionné sans votre décision" in page.replace("&#x27;", "'")


def test_the_queue_runs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    for index in range(30):
        pair(accompanied(cast.agir, (f"NOM{index}", "Ali")), accompanied(cast.agir, (f"NOM{index}E", "Ali")))
    client = login(client, cast.amina)
    client.get(reverse("linkage:queue"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("linkage:queue"))
    assert response.status_code == 200


def test_the_pair_page_shows_both_records_and_the_evidence_in_french(client, cast, pairs):
    candidate = pairs["mine"]
    person = Person.objects.get(pk=candidate.person_a_id)
    Person.objects.filter(pk=person.pk).update(birth_date_conventional=True, birth_date_precision="year")
    response = login(client, cast.amina).get(reverse("linkage:candidate", args=[candidate.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "AHMADI Karim" in page and "AHMADY Kareem" in page and "احمدی" in page
    assert "date conventionnelle" in page and "année seulement" in page
    assert "Graphies proches (translittération)" in page and "96,0 %" in page
    assert "rend la correspondance moins probable" in page
    assert "Coallia" in page  # the pathways and their operator
    read = AuditEvent.objects.filter(event="duplicate.read", user=cast.amina.user)
    assert set(read.values_list("person_id", flat=True)) == {candidate.person_a_id, candidate.person_b_id}


def test_the_evidence_adds_up_to_the_total_with_the_starting_point(client, cast, pairs):
    candidate = pairs["mine"]
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(match_weight=2.0)
    page = login(client, cast.amina).get(reverse("linkage:candidate", args=[candidate.pk])).content.decode()
    # 4.2 + 5.1 - 0.9 = 8.4: the prior odds (-6.4) make the column add up to the total of 2.0.
    assert "Point de départ" in page and "-6,4" in page and "2,0" in page


def test_deciding_same_leads_to_the_merge_confirmation(client, cast, pairs):
    candidate = pairs["mine"]
    client = login(client, cast.amina)
    response = client.post(
        reverse("linkage:candidate", args=[candidate.pk]),
        {"status": "same", "reason": "Même téléphone", "seen_status": "pending"},
    )
    assert response.status_code == 302 and response.url == reverse("linkage:merge", args=[candidate.pk])
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.SAME
    page = client.get(response.url).content.decode()
    assert "Confirmer la fusion" in page and "Identités" in page


def test_a_pair_decided_by_a_colleague_meanwhile_gives_a_clear_message(client, cast, pairs):
    candidate = pairs["mine"]
    client = login(client, cast.amina)
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(
        status="different", decided_by=cast.olivier.user, decided_at=candidate.found_at
    )
    response = client.post(
        reverse("linkage:candidate", args=[candidate.pk]),
        {"status": "same", "reason": "Même téléphone", "seen_status": "pending"},
        follow=True,
    )
    assert "vient d&#x27;être examinée par Olivier Le Goff" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.DIFFERENT


def test_a_decision_needs_a_reason(client, cast, pairs):
    response = login(client, cast.amina).post(
        reverse("linkage:candidate", args=[pairs["mine"].pk]), {"status": "same", "seen_status": "pending"}
    )
    assert response.status_code == 200
    assert DuplicateCandidate.objects.get(pk=pairs["mine"].pk).status == CandidateStatus.PENDING


def test_merging_from_the_page_then_undoing_it(client, cast, pairs):
    candidate = pairs["mine"]
    client = login(client, cast.amina)
    # The fuller record is proposed: the first has two spellings.
    page = client.get(reverse("linkage:merge", args=[candidate.pk])).content.decode()
    assert "le dossier le plus complet" in page
    response = client.post(
        reverse("linkage:merge", args=[candidate.pk]), {"kept": candidate.person_a_id, "reason": "Même AGDREF"}
    )
    merge = PersonMerge.objects.get()
    assert response.status_code == 302 and response.url == reverse("linkage:merge_detail", args=[merge.pk])
    assert (merge.kept_id, merge.absorbed_id) == (candidate.person_a_id, candidate.person_b_id)
    assert Person.objects.get(pk=candidate.person_b_id).merged_into_id == candidate.person_a_id
    history = client.get(reverse("linkage:merges")).content.decode()
    assert reverse("linkage:merge_detail", args=[merge.pk]) in history
    detail = client.get(reverse("linkage:merge_detail", args=[merge.pk])).content.decode()
    assert "Annuler la fusion" in detail
    response = client.post(reverse("linkage:merge_detail", args=[merge.pk]), {"confirm": "on"})
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert Person.objects.get(pk=candidate.person_b_id).merged_into_id is None


def test_the_merge_history_and_undo_are_404_to_another_organisation(client, cast, pairs):
    candidate = pairs["mine"]
    merge = person_merge(
        actor=cast.amina.actor, kept=candidate.person_a, absorbed=candidate.person_b, candidate=candidate
    )
    client = login(client, cast.hugo)
    assert client.get(reverse("linkage:merge_detail", args=[merge.pk])).status_code == 404
    assert client.post(reverse("linkage:merge_detail", args=[merge.pk]), {"confirm": "on"}).status_code == 404
    assert b"AHMAD" not in client.get(reverse("linkage:merges")).content
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_the_menu_shows_the_number_of_pairs_to_review(client, cast, pairs):
    page = login(client, cast.amina).get(reverse("persons:list")).content.decode()
    assert reverse("linkage:queue") in page and '1<span class="fr-sr-only"> à examiner' in page
    client.logout()
    assert reverse("linkage:queue") not in login(client, cast.marc).get(reverse("persons:list")).content.decode()


# --- the access matrix's rows for the pair and merge pages (tests/access/matrix.py, LINKAGE_PAGES) -----------


@pytest.fixture
def linkage_scope(cast):
    mine = pair(accompanied(cast.agir, ("KAROUI", "Salma")), accompanied(cast.agir, ("KAROUY", "Salma")))
    other = pair(accompanied(cast.agir, ("KAROUI", "Lina")), accompanied(cast.agir, ("KAROUY", "Lina")))
    merge = person_merge(actor=cast.amina.actor, kept=other.person_a, absorbed=other.person_b, candidate=other)
    return {"candidate": (mine.pk,), "merge": (merge.pk,)}


@pytest.mark.parametrize(
    ("url_name", "persona"), [(name, persona) for name in matrix.LINKAGE_PAGES for persona in matrix.PERSONAS]
)
def test_linkage_page_access(client, cast, linkage_scope, url_name, persona):
    fills, expected = matrix.LINKAGE_PAGES[url_name]
    if persona != "anonymous":
        login(client, getattr(cast, persona))
    reads = AuditEvent.objects.filter(action="read", person__isnull=False)
    before = reads.count()
    response = client.get(reverse(url_name, args=linkage_scope[fills]))
    assert response.status_code == expected[persona], f"{persona} GET {url_name}"
    if response.status_code != 200:
        assert b"KAROU" not in response.content
    else:
        assert reads.count() >= before + 2, f"{url_name} shows two records: one read event for each"


def test_a_pair_merged_meanwhile_by_a_colleague_leads_to_the_merge(client, cast, pairs):
    candidate = pairs["mine"]
    merge = person_merge(
        actor=cast.olivier.actor, kept=candidate.person_a, absorbed=candidate.person_b, candidate=candidate
    )
    client = login(client, cast.amina)
    response = client.post(reverse("linkage:merge", args=[candidate.pk]), {"kept": candidate.person_b_id}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("linkage:merge_detail", args=[merge.pk])
    assert "ont été fusionnés par Olivier Le Goff" in response.content.decode()
    assert PersonMerge.objects.count() == 1


def test_the_confirmation_names_the_organisations_that_will_see_the_kept_record(client, cast, pairs):
    from ..factories import PathwayFactory

    candidate = pairs["mine"]
    PathwayFactory(operator=cast.other_association, person=candidate.person_b, programme="cph")
    page = login(client, cast.amina).get(
        reverse("linkage:merge", args=[candidate.pk]), {"conserver": candidate.person_a_id}
    )
    assert "Association Un Toit" in page.content.decode()


def test_the_merge_history_runs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    for index in range(12):
        kept = accompanied(cast.agir, (f"NOM{index}", "Ali"))
        person_merge(actor=cast.amina.actor, kept=kept, absorbed=accompanied(cast.agir, (f"NOM{index}E", "Ali")))
    client = login(client, cast.amina)
    client.get(reverse("linkage:merges"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("linkage:merges"))
    assert response.status_code == 200 and response.content.decode().count("NOM") >= 24
