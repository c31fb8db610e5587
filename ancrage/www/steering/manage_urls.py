"""Routes of the contract pages (manage); included by www.steering.urls under the namespace steering.

Coordinators keep the contract here: amendments, fiches action, budget lines, targets, calls for projects.
"""

from django.urls import path

from . import manage_views as views

urlpatterns: list = [
    path("gestion/nouveau/", views.contract_create_view, name="contract_create"),
    path("<int:pk>/gestion/modifier/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/gestion/avenants/ajouter/", views.amendment_add_view, name="amendment_add"),
    path("<int:pk>/gestion/fiches-action/", views.actions, name="actions"),
    path("<int:pk>/gestion/fiches-action/nouvelle/", views.action_create, name="action_create"),
    path("gestion/fiches-action/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("gestion/fiches-action/<int:pk>/budget/", views.budget_edit, name="budget_edit"),
    path("gestion/fiches-action/<int:pk>/cibles/", views.targets_edit, name="targets_edit"),
    path("<int:pk>/gestion/appels-a-projets/", views.calls, name="calls"),
    path("<int:pk>/gestion/appels-a-projets/nouveau/", views.call_create_view, name="call_create"),
    path("gestion/appels-a-projets/<int:pk>/", views.call_detail, name="call_detail"),
    path("gestion/appels-a-projets/<int:pk>/projets/ajouter/", views.application_add_view, name="application_add"),
    path("gestion/projets/<int:pk>/decision/", views.application_decide_view, name="application_decide"),
]
