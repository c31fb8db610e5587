from django.urls import path

from . import tokens, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("organisation/", views.choose_organisation, name="choose_organisation"),
    path("profil/", views.profile, name="profile"),
    path("jetons/", tokens.token_list, name="tokens"),
    path("jetons/<int:pk>/revoquer/", tokens.token_revoke, name="token_revoke"),
]
