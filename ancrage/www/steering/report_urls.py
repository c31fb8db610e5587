"""Routes of the contract pages (report); included by www.steering.urls under the namespace steering."""

from django.urls import path

from . import report_views

urlpatterns: list = [
    path("bilan/", report_views.report, name="report"),
    path("bilan/demander/", report_views.report_request, name="report_request"),
    path("bilan/generations/<int:pk>/etat/", report_views.report_status, name="report_status"),
    path("bilan/generations/<int:pk>/telecharger/", report_views.report_download, name="report_download"),
]
