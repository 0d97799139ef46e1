"""What the studio keeps itself: the audit log, each topic's history and the training runs.
The content stays in the repository's files (data/faq/<topic>.yml); the studio never has a
second copy that could disagree with the terminal route."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who did what, and when: changed, trained, published, rolled back, managed accounts."""

    ACTIONS = [
        ("login", "ingelogd"), ("logout", "uitgelogd"), ("login_failed", "inloggen mislukt"),
        ("account", "account beheerd"), ("topic_save", "onderwerp opgeslagen"),
        ("topic_add", "onderwerp toegevoegd"), ("topic_remove", "onderwerp verwijderd"),
        ("topic_undo", "wijziging teruggedraaid"), ("inbox", "inbox verwerkt"),
        ("providers", "aanbieders gewijzigd"),
        ("zorgkantoor", "zorgkantoor gewijzigd"), ("zorgkantoor_check", "zorgkantoor gecontroleerd"),
        ("train", "getraind"), ("propose", "publicatie voorgesteld"),
        ("publish", "gepubliceerd"), ("rollback", "teruggezet"),
    ]
    at = models.DateTimeField("tijdstip", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             verbose_name="gebruiker")
    username = models.CharField("gebruikersnaam", max_length=150, blank=True)
    action = models.CharField("handeling", max_length=20, choices=ACTIONS)
    subject = models.CharField("waarover", max_length=200, blank=True)
    detail = models.TextField("toelichting", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "logboekregel"
        verbose_name_plural = "logboek"


class TopicRevision(models.Model):
    """One saved version of a topic file (and its short title), for history and undo."""

    slug = models.CharField(max_length=100, db_index=True)
    at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    author_name = models.CharField(max_length=150)
    summary = models.CharField(max_length=300)
    before_text = models.TextField(blank=True)   # file content before the change ('' = did not exist)
    after_text = models.TextField(blank=True)    # file content after the change ('' = removed)
    before_title = models.CharField(max_length=100, blank=True)
    after_title = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class TrainingRun(models.Model):
    """One run of the real retrain command (validate, train, measure, gate, report)."""

    RUNNING, ACCEPTED, REJECTED, FAILED, PUBLISHED = "running", "accepted", "rejected", "failed", "published"
    STATES = [(RUNNING, "bezig"), (ACCEPTED, "goedgekeurd, klaar om te publiceren"),
              (REJECTED, "afgekeurd"), (FAILED, "mislukt"), (PUBLISHED, "gepubliceerd")]
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    started_by_name = models.CharField(max_length=150)
    state = models.CharField(max_length=10, choices=STATES, default=RUNNING)
    step = models.PositiveSmallIntegerField(default=0)
    step_text = models.CharField(max_length=200, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    components_done = models.PositiveSmallIntegerField(default=0)
    log = models.TextField(blank=True)
    model = models.CharField(max_length=300, blank=True)
    report = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    proposed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]


class InboxDismissal(models.Model):
    """A (redacted) inbox question an editor set aside; it no longer shows in the inbox."""

    key = models.CharField(max_length=500, unique=True)
    at = models.DateTimeField(auto_now_add=True)
    by_name = models.CharField(max_length=150)
