from django.urls import path

from . import views

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("<int:pk>/", views.programme_progress, name="programme-progress"),
    path("<int:pk>/villages/", views.programme_villages, name="programme-villages"),
    path("<int:pk>/lists/", views.programme_attach, name="programme-attach"),
    path("<int:pk>/lists/<int:list_id>/detach/", views.programme_detach, name="programme-detach"),
]
