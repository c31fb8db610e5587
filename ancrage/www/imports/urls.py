from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("nouveau/", views.import_upload, name="upload"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/feuille/", views.import_sheet, name="sheet"),
    path("<int:pk>/colonnes/", views.import_columns, name="columns"),
    path("<int:pk>/valeurs/", views.import_values, name="values"),
    path("<int:pk>/verifier/", views.import_check, name="check"),
    path("<int:pk>/confirmer/", views.import_confirm, name="confirm"),
    path("<int:pk>/etat/", views.import_status, name="status"),
    path("<int:pk>/lignes-refusees.<str:fmt>", views.import_rejected, name="rejected"),
]
