"""The duplicate review queue: pairs side by side with the evidence, decisions, merges and their undo.

Only pairs whose two records the reviewer's organisation accompanies are ever shown (``linkage.review``);
every page that shows a person writes a read event naming them.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.access import perms
from ancrage.access.models import AccessGrant
from ancrage.audit.services import audit_read
from ancrage.core.enums import DatePrecision
from ancrage.core.pagination import paginate
from ancrage.linkage.merge import (
    MergeRefused,
    merge_preview,
    merge_summary,
    person_merge,
    person_merge_undo,
    undo_refusal,
)
from ancrage.linkage.models import CandidateStatus, DuplicateCandidate
from ancrage.linkage.review import (
    CandidateConflict,
    candidate_decide,
    candidates_visible_to,
    get_candidate_for_user,
    merges_visible_to,
)
from ancrage.pathways.models import Note, Pathway
from ancrage.persons import models as pm
from ancrage.www.types import AncrageRequest

from ..utils import apply_validation_error
from .forms import DecisionForm, MergeForm, QueueFilterForm, UndoForm


def _require_reviewer(request: AncrageRequest) -> None:
    if not perms.can_review_duplicates(request.actor):
        raise Http404


def queue(request: AncrageRequest) -> HttpResponse:
    """Pairs to review (or already reviewed), most probable first."""
    _require_reviewer(request)
    actor = request.actor
    form = QueueFilterForm(request.GET or None)
    state, query = "pending", ""
    if form.is_valid():
        state = form.cleaned_data["etat"] or "pending"
        query = form.cleaned_data["q"]
    candidates = candidates_visible_to(actor).select_related("person_a", "person_b", "decided_by")
    decided = state == "decided"
    candidates = candidates.exclude(status=CandidateStatus.PENDING) if decided else candidates.pending()
    if query:
        matching = pm.Person.objects.matching(query).values("pk")
        candidates = candidates.filter(Q(person_a__in=matching) | Q(person_b__in=matching))
    page = paginate(request, candidates.order_by("-match_probability", "pk"))
    shown = sorted({pk for c in page for pk in (c.person_a_id, c.person_b_id)})
    audit_read(actor, event="duplicate.list", person_id=None, details={"ids": shown})
    return render(
        request,
        "linkage/queue.html",
        {
            "form": form,
            "page": page,
            "state": state,
            "query": query,
            "nav": "duplicates",
            "title": _("Doublons potentiels"),
        },
    )


@dataclass
class Card:
    """One record of the pair, as the reviewer compares it."""

    person: pm.Person
    identities: list[pm.Identity]
    nationalities: list[str]
    ofpra_numbers: list[str]
    pathways: list[Pathway]
    fullness: int = 0
    rows: dict[str, Any] = field(default_factory=dict)


def _cards(*persons: pm.Person) -> list[Card]:
    ids = [p.pk for p in persons]
    loaded = {
        p.pk: p
        for p in pm.Person.objects.filter(pk__in=ids)
        .select_related("commune", "created_by_organisation")
        .prefetch_related(
            Prefetch("identities", queryset=pm.Identity.objects.order_by("-is_reference", "id")),
            "nationalities",
            "protections",
            Prefetch(
                "pathways", queryset=Pathway.objects.select_related("operator", "referent").order_by("-entry_date")
            ),
        )
    }
    fullness: dict[int, int] = dict.fromkeys(ids, 0)
    for model in (pm.Identity, Pathway, pm.Situation, pm.Protection, pm.ResidenceDocument, pm.FrenchAssessment):
        for row in model.objects.filter(person__in=ids).values("person").annotate(n=Count("pk")):
            fullness[row["person"]] += row["n"]
    for row in Note.objects.filter(person__in=ids).values("person").annotate(n=Count("pk")):
        fullness[row["person"]] += row["n"]
    cards = []
    for pk in ids:
        person = loaded[pk]
        cards.append(
            Card(
                person=person,
                identities=list(person.identities.all()),
                nationalities=[pm.country_name(n.code) for n in person.nationalities.all()],
                ofpra_numbers=[p.ofpra_number for p in person.protections.all() if p.ofpra_number],
                pathways=list(person.pathways.all()),
                fullness=fullness[pk],
            )
        )
    return cards


def _birth(person: pm.Person) -> str:
    if not person.birth_date:
        return _("Inconnue")
    text = str(person.birth_date_display)
    if person.birth_date_precision != DatePrecision.EXACT:
        text += f" ({DatePrecision(person.birth_date_precision).label.lower()})"
    if person.birth_date_conventional:
        text += " — " + _("date conventionnelle (1er janvier attribué)")
    return text


def _comparison(a: Card, b: Card) -> list[dict[str, Any]]:
    """The key fields side by side, with whether they agree."""

    def row(label: str, left: str, right: str) -> dict[str, Any]:
        same = bool(left) and left == right
        return {"label": label, "a": left or "—", "b": right or "—", "same": same, "known": bool(left and right)}

    def names(card: Card) -> str:
        return " / ".join(i.full_name for i in card.identities)

    return [
        row(_("Identités (toutes les graphies)"), names(a), names(b)),
        row(_("Sexe"), a.person.get_sex_display(), b.person.get_sex_display()),
        row(_("Date de naissance"), _birth(a.person), _birth(b.person)),
        row(_("Nationalité"), ", ".join(a.nationalities), ", ".join(b.nationalities)),
        row(_("Téléphone"), a.person.phone, b.person.phone),
        row(_("Numéro étranger (AGDREF)"), a.person.agdref_number, b.person.agdref_number),
        row(_("Numéro OFPRA"), ", ".join(a.ofpra_numbers), ", ".join(b.ofpra_numbers)),
        row(
            _("Commune"),
            a.person.commune.name if a.person.commune else "",
            b.person.commune.name if b.person.commune else "",
        ),
        row(
            _("Dossier créé par"),
            f"{a.person.created_by_organisation.name}, {a.person.created_at:%d/%m/%Y}",
            f"{b.person.created_by_organisation.name}, {b.person.created_at:%d/%m/%Y}",
        ),
    ]


def _evidence(candidate: DuplicateCandidate) -> list[dict[str, Any]]:
    rows = []
    for item in candidate.evidence or []:
        weight = float(item.get("weight") or 0)
        if weight > 0.05:
            verdict = _("concorde : rend la correspondance plus probable")
        elif weight < -0.05:
            verdict = _("diffère : rend la correspondance moins probable")
        else:
            verdict = _("neutre ou inconnu")
        rows.append(
            {"label": item.get("label", ""), "level": item.get("level", ""), "weight": weight, "verdict": verdict}
        )
    # The total is the sum of the weights and of the prior odds: shown, so the column adds up.
    prior = float(candidate.match_weight or 0) - sum(row["weight"] for row in rows)
    if rows and abs(prior) > 0.05:
        rows.insert(
            0,
            {
                "label": _("Point de départ"),
                "level": _("avant toute comparaison : deux dossiers pris au hasard sont rarement la même personne"),
                "weight": prior,
                "verdict": _("rareté des doublons dans le territoire"),
            },
        )
    return rows


def _candidate_or_merged(request: AncrageRequest, pk: int) -> DuplicateCandidate | HttpResponse:
    """The pair; if a colleague of my organisation merged it meanwhile, the merge with a clear message."""
    try:
        return get_candidate_for_user(request.actor, pk)
    except Http404:
        merge = merges_visible_to(request.actor).filter(candidate_id=pk, undone_at__isnull=True).first()
        if merge is None:
            raise
        messages.info(
            request,
            _("Ces deux dossiers ont été fusionnés par %(who)s le %(when)s.")
            % {"who": merge.merged_by.get_full_name(), "when": merge.merged_at.strftime("%d/%m/%Y")},
        )
        return redirect("linkage:merge_detail", pk=merge.pk)


def _audit_pair(request: AncrageRequest, candidate: DuplicateCandidate, event: str) -> None:
    for person_id in (candidate.person_a_id, candidate.person_b_id):
        audit_read(request.actor, event=event, person_id=person_id, obj=candidate)


@require_http_methods(["GET", "POST"])
def candidate_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    """The pair side by side with the evidence, and the decision."""
    _require_reviewer(request)
    actor = request.actor
    found = _candidate_or_merged(request, pk)
    if isinstance(found, HttpResponse):
        return found
    candidate = found
    _audit_pair(request, candidate, "duplicate.read")
    form = DecisionForm(request.POST or None, initial={"seen_status": candidate.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate = candidate_decide(
                actor=actor,
                candidate=candidate,
                status=data["status"],
                reason=data["reason"],
                expected_status=data["seen_status"],
            )
        except CandidateConflict as error:
            messages.error(request, " ".join(error.messages))
            return redirect("linkage:candidate", pk=pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if candidate.status == CandidateStatus.SAME:
                messages.success(
                    request, _("Décision enregistrée : même personne. Vous pouvez fusionner les dossiers.")
                )
                return redirect("linkage:merge", pk=pk)
            messages.success(request, _("Décision enregistrée : ces deux dossiers ne seront plus proposés."))
            return redirect("linkage:queue")
    a, b = _cards(candidate.person_a, candidate.person_b)
    return render(
        request,
        "linkage/candidate.html",
        {
            "candidate": candidate,
            "cards": [a, b],
            "comparison": _comparison(a, b),
            "evidence": _evidence(candidate),
            "probability": round(candidate.match_probability * 100, 1),
            "form": form,
            "merges": list(candidate.merges.select_related("merged_by").order_by("-merged_at")),
            "nav": "duplicates",
            "title": _("Doublon potentiel"),
        },
    )


def _proposed(a: Card, b: Card) -> tuple[Card, str]:
    """The fuller record, or the older one when both are as full."""
    if a.fullness != b.fullness:
        return (a if a.fullness > b.fullness else b), _("le dossier le plus complet")
    older = a if (a.person.created_at, a.person.pk) <= (b.person.created_at, b.person.pk) else b
    return older, _("le dossier le plus ancien")


@require_http_methods(["GET", "POST"])
def candidate_merge(request: AncrageRequest, pk: int) -> HttpResponse:
    """Choose the kept record, see what will move, confirm."""
    _require_reviewer(request)
    actor = request.actor
    found = _candidate_or_merged(request, pk)
    if isinstance(found, HttpResponse):
        return found
    candidate = found
    if candidate.status == CandidateStatus.DIFFERENT:
        messages.error(
            request, _("Cette paire a été jugée « personnes différentes » : elle ne peut pas être fusionnée.")
        )
        return redirect("linkage:candidate", pk=pk)
    _audit_pair(request, candidate, "duplicate.merge.read")
    a, b = _cards(candidate.person_a, candidate.person_b)
    proposed, why = _proposed(a, b)
    by_pk = {a.person.pk: a, b.person.pk: b}
    wanted = request.POST.get("kept") or request.GET.get("conserver") or ""
    kept = by_pk[int(wanted)] if wanted.isdigit() and int(wanted) in by_pk else proposed
    absorbed = b if kept is a else a
    form = MergeForm(
        request.POST or None,
        initial={"kept": kept.person.pk},
        choices=[(card.person.pk, card.person.display_name) for card in (a, b)],
    )
    if request.method == "POST" and form.is_valid():
        try:
            merge = person_merge(
                actor=actor,
                kept=kept.person,
                absorbed=absorbed.person,
                candidate=candidate,
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except MergeRefused as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Les dossiers sont fusionnés dans celui de %(name)s. "
                    "Vous pouvez annuler la fusion depuis son historique."
                )
                % {"name": merge.kept.display_name},
            )
            return redirect("linkage:merge_detail", pk=merge.pk)
    preview = merge_preview(actor=actor, kept=kept.person, absorbed=absorbed.person)
    # Organisations that see the other record (its sharing page lists them) and will see the kept one.
    already = AccessGrant.objects.active().filter(person=kept.person).values("organisation_id")
    gaining = sorted(
        {
            grant.organisation.name
            for grant in AccessGrant.objects.active()
            .filter(person=absorbed.person)
            .exclude(organisation_id__in=already)
            .select_related("organisation")
        }
    )
    return render(
        request,
        "linkage/merge_confirm.html",
        {
            "candidate": candidate,
            "kept": kept,
            "absorbed": absorbed,
            "proposed": proposed,
            "why": why,
            "preview": preview,
            "gaining": gaining,
            "form": form,
            "nav": "duplicates",
            "title": _("Fusionner les dossiers"),
        },
    )


def merge_list(request: AncrageRequest) -> HttpResponse:
    """The merges my organisation made, newest first, with their undo."""
    _require_reviewer(request)
    actor = request.actor
    merges = merges_visible_to(actor).select_related("kept", "absorbed", "merged_by", "undone_by")
    page = paginate(request, merges.order_by("-merged_at", "-pk"))
    shown = sorted({pk for m in page for pk in (m.kept_id, m.absorbed_id)})
    audit_read(actor, event="person.merge.list", person_id=None, details={"ids": shown})
    return render(
        request, "linkage/merges.html", {"page": page, "nav": "duplicates", "title": _("Historique des fusions")}
    )


@require_http_methods(["GET", "POST"])
def merge_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    """One merge: what moved, what was set aside, and *annuler la fusion*."""
    _require_reviewer(request)
    actor = request.actor
    merge = (
        merges_visible_to(actor)
        .select_related("kept", "absorbed", "merged_by", "undone_by", "candidate")
        .filter(pk=pk)
        .first()
    )
    if merge is None:
        raise Http404
    for person_id in (merge.kept_id, merge.absorbed_id):
        audit_read(actor, event="person.merge.read", person_id=person_id, obj=merge)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not perms.can_undo_merge(actor, merge):
            raise Http404
        try:
            person_merge_undo(actor=actor, merge=merge)
        except MergeRefused as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("La fusion est annulée : les deux dossiers sont de nouveau distincts."))
            if merge.candidate_id:
                return redirect("linkage:candidate", pk=merge.candidate_id)
            return redirect("linkage:merges")
    return render(
        request,
        "linkage/merge_detail.html",
        {
            "merge": merge,
            "lines": merge_summary(merge),
            "refusal": undo_refusal(merge),
            "can_undo": perms.can_undo_merge(actor, merge),
            "form": form,
            "nav": "duplicates",
            "title": _("Fusion de dossiers"),
        },
    )
