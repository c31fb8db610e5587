"""Routes of the contract pages (dashboard); included by www.steering.urls under the namespace steering.

The coordinators' dashboards: the contract overview, one page per fiche action, one page per commune,
the monthly trends and their CSV.
"""

from django.urls import path

from . import dashboard_views as views

urlpatterns: list = [
    path("", views.overview, name="overview"),
    path("actions/<int:pk>/", views.action_page, name="action"),
    path("communes/<str:insee>/", views.commune_page, name="commune"),
    path("tendances/", views.trends, name="trends"),
    path("tendances/export.csv", views.trends_csv, name="trends_csv"),
]
