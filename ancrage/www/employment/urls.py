"""The professional integration platform; each part keeps its own URL module."""

from django.urls import path

from . import matching_urls, opportunity_urls, profile_urls, results_urls, rome_views

app_name = "employment"
urlpatterns = [
    path("metiers/", rome_views.appellation_search, name="appellation_search"),
    *profile_urls.urlpatterns,
    *opportunity_urls.urlpatterns,
    *matching_urls.urlpatterns,
    *results_urls.urlpatterns,
]
