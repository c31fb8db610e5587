"""The socio-professional profile, the CV and the commitment contract (mounted under /emploi/)."""

from django.urls import path

from . import profile_views as views

urlpatterns = [
    path("personnes/<int:person_pk>/", views.profile, name="profile"),
    path("personnes/<int:person_pk>/modifier/", views.profile_edit, name="profile_edit"),
    path("personnes/<int:person_pk>/diplomes/ajouter/", views.diploma_edit, name="diploma_add"),
    path("personnes/<int:person_pk>/diplomes/<int:diploma_pk>/modifier/", views.diploma_edit, name="diploma_edit"),
    path(
        "personnes/<int:person_pk>/diplomes/<int:diploma_pk>/supprimer/",
        views.diploma_delete_view,
        name="diploma_delete",
    ),
    path("personnes/<int:person_pk>/experiences/ajouter/", views.experience_edit, name="experience_add"),
    path(
        "personnes/<int:person_pk>/experiences/<int:experience_pk>/modifier/",
        views.experience_edit,
        name="experience_edit",
    ),
    path(
        "personnes/<int:person_pk>/experiences/<int:experience_pk>/supprimer/",
        views.experience_delete_view,
        name="experience_delete",
    ),
    path("personnes/<int:person_pk>/metiers-vises/ajouter/", views.target_add_view, name="target_add"),
    path(
        "personnes/<int:person_pk>/metiers-vises/<int:target_pk>/supprimer/",
        views.target_delete_view,
        name="target_delete",
    ),
    path("personnes/<int:person_pk>/cv/", views.cv, name="cv"),
    path("parcours/<int:pk>/contrat-engagement/", views.commitment_contract, name="commitment_contract"),
]
