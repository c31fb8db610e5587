"""Results of the professional integration: aggregates only (mounted under /emploi/)."""

from django.urls import path

from . import results_views as views

urlpatterns = [
    path("resultats/", views.results, name="results"),
]
