from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("organisation/", views.choose_organisation, name="choose_organisation"),
    path("profil/", views.profile, name="profile"),
]
