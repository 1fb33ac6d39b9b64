from django.urls import path

from . import views

urlpatterns = [
    path("", views.agent_activity_page, name="agents"),
    path("commissions/", views.commissions, name="agents-commissions"),
    path("<int:pk>/workers/", views.agent_workers, name="agents-workers"),
    path("<int:pk>/reassign/", views.agent_reassign, name="agents-reassign"),
]
