from django.urls import path

from . import views

urlpatterns = [
    path("", views.coverage_home, name="coverage-home"),
    path("region/", views.region_dashboard, name="coverage-national"),
    path("region/<str:code>/", views.region_dashboard, name="coverage-region"),
    path("workers/<int:pk>/", views.worker_cover, name="coverage-worker"),
    path("workers/<int:pk>/card/", views.worker_cover_card, name="coverage-worker-card"),
    path("workers/<int:pk>/correct/", views.worker_correct, name="coverage-worker-correct"),
    path("snapshots/", views.snapshots, name="coverage-snapshots"),
]
