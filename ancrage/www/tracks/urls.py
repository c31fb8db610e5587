from django.urls import path

from . import views

app_name = "tracks"
urlpatterns = [
    path("<int:person_pk>/", views.overview, name="overview"),
    path("<int:person_pk>/fiche/<slug:kind>/", views.record_edit, name="record_edit"),
    path("<int:person_pk>/<slug:kind>/ajouter/", views.item_edit, name="item_add"),
    path("<int:person_pk>/<slug:kind>/<int:item_pk>/modifier/", views.item_edit, name="item_edit"),
    path("<int:person_pk>/<slug:kind>/<int:item_pk>/supprimer/", views.item_delete, name="item_delete"),
]
