from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("recues/", views.inbox, name="inbox"),
    path("envoyees/", views.outbox, name="outbox"),
    path("nouvelle/<int:person_pk>/", views.create, name="create"),
    path("lien/<str:token>/", views.link_answer, name="link"),
    path("lien/<str:token>/pieces/<int:attachment_pk>/", views.link_attachment, name="link_attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pieces/", views.attachment_add_view, name="attachment_add"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/pieces/<int:attachment_pk>/retirer/", views.attachment_delete_view, name="attachment_delete"),
    path("<int:pk>/<slug:name>/", views.transition, name="transition"),
]
