from django.urls import path

from . import views

app_name = "persons"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("nouvelle/", views.person_create_view, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/modifier/", views.person_edit, name="edit"),
    path("<int:pk>/foyer/ajouter/", views.household_member_edit, name="household_add"),
    path("<int:pk>/foyer/<int:item_pk>/modifier/", views.household_member_edit, name="household_edit"),
    path("<int:pk>/journal/", views.journal, name="journal"),
    path("<int:pk>/rendez-vous/nouveau/", views.appointment_edit, name="appointment_create"),
    path("<int:pk>/rendez-vous/<int:appointment_pk>/modifier/", views.appointment_edit, name="appointment_edit"),
    path("<int:pk>/rendez-vous/<int:appointment_pk>/ics/", views.appointment_ics, name="appointment_ics"),
    path("<int:pk>/partage/", views.sharing, name="sharing"),
    path("<int:pk>/partage/<int:consent_pk>/retirer/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<int:pk>/historique-des-acces/", views.access_history, name="access_history"),
    path("<int:pk>/historique-des-modifications/", views.changes, name="changes"),
    path("<int:pk>/export.json", views.export_json, name="export_json"),
    path("<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/<slug:kind>/ajouter/", views.item_edit, name="item_add"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/modifier/", views.item_edit, name="item_edit"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/supprimer/", views.item_delete, name="item_delete"),
]
