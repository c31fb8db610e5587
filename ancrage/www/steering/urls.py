"""The territorial contract (CTAIR) under /contrat/: coordinators' dashboards, the annual report, the
management of actions and budget, the carriers' bilans and participations, the shared diagnosis."""

from . import carrier_urls, dashboard_urls, diagnosis_urls, manage_urls, report_urls

app_name = "steering"

urlpatterns = [
    *dashboard_urls.urlpatterns,
    *report_urls.urlpatterns,
    *manage_urls.urlpatterns,
    *carrier_urls.urlpatterns,
    *diagnosis_urls.urlpatterns,
]
