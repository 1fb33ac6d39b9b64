from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("<int:pk>/", views.run_detail, name="report-run"),
    path("<int:pk>/progress/", views.run_progress, name="report-progress"),
    path("<int:pk>/download/", views.download, name="report-download"),
    path("new/<str:name>/", views.request_form, name="report-request"),
    path("regulations/", views.regulations, name="report-regulations"),
    path("regulations/<int:pk>/delete/", views.regulation_delete, name="report-regulation-delete"),
]
