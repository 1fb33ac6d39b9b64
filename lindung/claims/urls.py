from django.urls import path

from . import views

urlpatterns = [
    path("", views.claims_home, name="claims-home"),
    path("report/", views.report, name="claims-report"),
    path("statistics/", views.statistics_fragment, name="claims-statistics"),
    path("events/<int:pk>/", views.event_detail, name="claims-event"),
    path("events/<int:pk>/<slug:action>/", views.event_action, name="claims-event-action"),
    path("documents/<int:pk>/", views.document, name="claims-document"),
    path("<int:pk>/", views.claim_detail, name="claims-detail"),
    path("<int:pk>/<slug:action>/", views.claim_action, name="claims-action"),
]
