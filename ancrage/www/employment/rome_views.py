from django.http import Http404, HttpResponse
from django.template.loader import render_to_string

from ancrage.rome.selectors import search_appellations
from ancrage.www.types import AncrageRequest


def appellation_search(request: AncrageRequest) -> HttpResponse:
    """Suggestions for a job-title field: ``<option>`` elements for its datalist (reference data only)."""
    if not request.actor.handles_cases:
        raise Http404
    field = request.GET.get("field", "")
    query = request.GET.get(field, "") if field else request.GET.get("q", "")
    html = render_to_string(
        "employment/widgets/appellation_options.html", {"appellations": search_appellations(query, limit=15)}
    )
    return HttpResponse(html)
