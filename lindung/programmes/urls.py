from django.urls import path

from . import views

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("<int:pk>/", views.programme_progress, name="programme-progress"),
]
