"""Routes of the contract pages (carrier); included by www.steering.urls under the namespace steering."""

from django.urls import path

from . import carrier_views as views

urlpatterns: list = [
    path("mes-actions/", views.my_actions, name="my_actions"),
    path("porteur/actions/<int:pk>/", views.carrier_action, name="carrier_action"),
    path("porteur/actions/<int:pk>/bilans/<int:year>/", views.bilan_edit, name="bilan_edit"),
    path(
        "actions/<int:pk>/bilans/<int:report_pk>/documents/<int:attachment_pk>/",
        views.bilan_attachment,
        name="bilan_attachment",
    ),
    path(
        "porteur/actions/<int:pk>/bilans/<int:report_pk>/documents/<int:attachment_pk>/supprimer/",
        views.bilan_attachment_delete,
        name="bilan_attachment_delete",
    ),
    path("porteur/actions/<int:pk>/participations/ajouter/", views.participation_add, name="participation_add"),
    path(
        "porteur/actions/<int:pk>/participations/<int:participation_pk>/supprimer/",
        views.participation_delete,
        name="participation_delete",
    ),
]
