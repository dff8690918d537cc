from django.urls import path

app_name = "edi"
urlpatterns = []
