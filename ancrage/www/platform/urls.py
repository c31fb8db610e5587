from django.urls import path

from . import views

app_name = "platform"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/modifier/", views.organisation_update, name="organisation_update"),
    path("organisations/<int:pk>/membres/", views.organisation_members, name="organisation_members"),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/modifier/",
        views.membership_update,
        name="membership_update",
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/double-authentification/reinitialiser/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/debloquer/",
        views.member_unlock,
        name="member_unlock",
    ),
    path("utilisateurs/", views.user_list, name="users"),
    path("utilisateurs/nouveau/", views.user_create, name="user_create"),
    path("utilisateurs/<int:pk>/statut/", views.user_set_active, name="user_set_active"),
]
