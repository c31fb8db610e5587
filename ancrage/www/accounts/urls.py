from django.urls import path

from . import tokens, two_factor, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("double-authentification/", two_factor.verify, name="two_factor_verify"),
    path("double-authentification/activer/", two_factor.enrol, name="two_factor_enrol"),
    path("double-authentification/codes-de-secours/", two_factor.recovery_codes, name="two_factor_recovery_codes"),
    path(
        "double-authentification/codes-de-secours/regenerer/",
        two_factor.recovery_codes_regenerate,
        name="two_factor_recovery_codes_regenerate",
    ),
    path("organisation/", views.choose_organisation, name="choose_organisation"),
    path("profil/", views.profile, name="profile"),
    path("jetons/", tokens.token_list, name="tokens"),
    path("jetons/<int:pk>/revoquer/", tokens.token_revoke, name="token_revoke"),
]
