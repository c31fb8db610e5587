from django.urls import path

from . import views

app_name = "agenda"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("calendrier/", views.feed, name="feed"),
    path("calendrier/<str:token>.ics", views.feed_ics, name="feed_ics"),
]
