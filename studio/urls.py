"""URLs of the studio's pages."""
from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.generic import RedirectView

from studio.views import accounts, inbox, providers, topics, training, try_it, zorgkantoren

app_name = "studio"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="studio:topics"), name="home"),
    path("inloggen/", accounts.login, name="login"),
    path("uitloggen/", LogoutView.as_view(), name="logout"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/<int:user_id>/aan-uit/", accounts.account_toggle, name="account_toggle"),
    path("accounts/<int:user_id>/wachtwoord/", accounts.account_password, name="account_password"),
    path("logboek/", accounts.audit_log, name="audit"),
    path("onderwerpen/", topics.topic_list, name="topics"),
    path("onderwerpen/nieuw/", topics.topic_new, name="topic_new"),
    path("onderwerpen/<str:slug>/", topics.topic_edit, name="topic"),
    path("onderwerpen/<str:slug>/controle/", topics.topic_check, name="topic_check"),
    path("onderwerpen/<str:slug>/verwijderen/", topics.topic_remove, name="topic_remove"),
    path("onderwerpen/<str:slug>/geschiedenis/", topics.history, name="history"),
    path("wijzigingen/<int:revision_id>/ongedaan/", topics.undo, name="undo"),
    path("uitproberen/", try_it.try_it, name="try"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/toevoegen/", inbox.inbox_add, name="inbox_add"),
    path("inbox/negeren/", inbox.inbox_dismiss, name="inbox_dismiss"),
    path("inbox/nieuw-onderwerp/", inbox.inbox_new_topic, name="inbox_new_topic"),
    path("aanbieders/", providers.provider_list, name="providers"),
    path("aanbieders/nieuw/", providers.provider_edit, name="provider_new"),
    path("aanbieders/<int:index>/", providers.provider_edit, name="provider"),
    path("aanbieders/<int:index>/beeindigen/", providers.provider_end, name="provider_end"),
    path("zorgkantoren/", zorgkantoren.zorgkantoor_list, name="zorgkantoren"),
    path("zorgkantoren/<str:zk_code>/", zorgkantoren.zorgkantoor_edit, name="zorgkantoor"),
    path("zorgkantoren/<str:zk_code>/gecontroleerd/", zorgkantoren.zorgkantoor_confirm, name="zorgkantoor_confirm"),
    path("zorgkantoren/<str:zk_code>/intrekken/", zorgkantoren.zorgkantoor_withdraw, name="zorgkantoor_withdraw"),
    path("trainen/", training.train_page, name="train"),
    path("trainen/start/", training.train_start, name="train_start"),
    path("trainen/<int:run_id>/", training.run_page, name="run"),
    path("trainen/<int:run_id>/voortgang/", training.run_status, name="run_status"),
    path("trainen/<int:run_id>/rapport/<str:name>", training.run_report, name="run_report"),
    path("trainen/<int:run_id>/voorstellen/", training.propose, name="propose"),
    path("trainen/<int:run_id>/publiceren/", training.publish, name="publish"),
    path("terugzetten/", training.rollback, name="rollback"),
    path("terugzetten/versie/", training.restore, name="restore"),
]

handler403 = "studio.views.accounts.permission_denied"
handler404 = "studio.views.accounts.not_found"
