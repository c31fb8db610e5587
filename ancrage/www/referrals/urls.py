from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("recues/", views.inbox, name="inbox"),
    path("envoyees/", views.outbox, name="outbox"),
    path("nouvelle/<int:person_pk>/", views.create, name="create"),
    path("lien/<str:token>/", views.link_answer, name="link"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:name>/", views.transition, name="transition"),
]
