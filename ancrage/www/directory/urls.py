from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("carte/", views.service_map, name="map"),
    path("services/nouveau/", views.service_edit, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/modifier/", views.service_edit, name="service_edit"),
    path("pour/<int:person_pk>/", views.services_for_person_view, name="for_person"),
]
