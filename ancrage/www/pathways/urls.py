from django.urls import path

from . import views

app_name = "pathways"
urlpatterns = [
    path("rendez-vous/", views.agenda, name="agenda"),
    path("nouveau/<int:person_pk>/", views.pathway_create_view, name="create"),
    path("<int:pk>/", views.pathway_detail, name="detail"),
    path("<int:pk>/modifier/", views.pathway_edit, name="edit"),
    path("<int:pk>/etape/", views.pathway_transition_view, name="transition"),
    path("<int:pk>/diagnostic/<slug:domain>/", views.diagnostic_edit, name="diagnostic"),
    path("<int:pk>/objectifs/ajouter/", views.objective_edit, name="objective_add"),
    path("<int:pk>/objectifs/<int:objective_pk>/modifier/", views.objective_edit, name="objective_edit"),
    path("<int:pk>/objectifs/<int:objective_pk>/actions/ajouter/", views.action_edit, name="action_add"),
    path(
        "<int:pk>/objectifs/<int:objective_pk>/actions/<int:action_pk>/modifier/", views.action_edit, name="action_edit"
    ),
]
