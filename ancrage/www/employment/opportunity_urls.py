"""Employers, opportunities, placements and follow-up (under /emploi/)."""

from django.urls import path

from . import opportunity_views as ov
from . import placement_views as pv

urlpatterns: list = [
    path("offres/", ov.opportunity_list, name="opportunity_list"),
    path("offres/nouvelle/", ov.opportunity_edit, name="opportunity_create"),
    path("offres/<int:pk>/", ov.opportunity_detail, name="opportunity_detail"),
    path("offres/<int:pk>/modifier/", ov.opportunity_edit, name="opportunity_edit"),
    path("offres/<int:pk>/etat/<slug:name>/", ov.opportunity_status, name="opportunity_transition"),
    path("employeurs/", ov.employer_list, name="employer_list"),
    path("employeurs/nouveau/", ov.employer_edit, name="employer_create"),
    path("employeurs/<int:pk>/", ov.employer_detail, name="employer_detail"),
    path("employeurs/<int:pk>/modifier/", ov.employer_edit, name="employer_edit"),
    path("mises-en-relation/proposer/", pv.propose, name="placement_propose"),
    path("mises-en-relation/<int:pk>/", pv.detail, name="placement_detail"),
    path("mises-en-relation/<int:pk>/suivis/<int:followup_pk>/", pv.followup_edit, name="followup_edit"),
    path("mises-en-relation/<int:pk>/<slug:name>/", pv.transition, name="placement_transition"),
]
