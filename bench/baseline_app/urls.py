from django.urls import path

from . import views

app_name = "baseline"
urlpatterns = [path("insert/", views.insert_row, name="insert")]
