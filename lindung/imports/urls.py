from django.urls import path

from . import views

urlpatterns = [
    path("", views.job_list, name="imports"),
    path("new/", views.upload, name="import-upload"),
    path("<int:pk>/", views.detail, name="import-detail"),
    path("<int:pk>/mapping/", views.mapping, name="import-mapping"),
    path("<int:pk>/progress/", views.progress, name="import-progress"),
    path("<int:pk>/report.xlsx", views.report, name="import-report"),
    path("<int:pk>/retry/", views.retry, name="import-retry"),
]
