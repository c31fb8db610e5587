"""Routes of the contract pages (diagnosis); included by www.steering.urls under the namespace steering."""

from django.urls import path

from . import diagnosis_views

urlpatterns: list = [
    path("diagnostic/", diagnosis_views.diagnosis, name="diagnosis"),
    path("diagnostic/export.csv", diagnosis_views.diagnosis_csv, name="diagnosis_csv"),
]
