from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.candidate_detail, name="candidate"),
    path("<int:pk>/fusionner/", views.candidate_merge, name="merge"),
    path("fusions/", views.merge_list, name="merges"),
    path("fusions/<int:pk>/", views.merge_detail, name="merge_detail"),
]
