"""Explained matching: opportunities for a person, candidates for an opportunity (mounted under /emploi/)."""

from django.urls import path

from . import matching_views as views

urlpatterns = [
    path("personnes/<int:person_pk>/opportunites/", views.matches_for_person, name="matches_for_person"),
    path("opportunites/<int:pk>/candidats/", views.candidates_for_opportunity, name="candidates_for_opportunity"),
]
