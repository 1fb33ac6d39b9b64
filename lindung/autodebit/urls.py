from django.urls import path

from . import views

urlpatterns = [
    path("", views.mandate_list, name="autodebit-mandates"),
    path("mandates/<int:pk>/", views.mandate_detail, name="autodebit-mandate"),
    path("export/", views.export, name="autodebit-export"),
    path("returns/", views.returns, name="autodebit-returns"),
    path("failures/", views.failures, name="autodebit-failures"),
    path("failures/<int:pk>/follow-up/", views.failure_follow_up, name="autodebit-follow-up"),
]
