"""The inbox: questions the assistant did not (surely) understand, from the tracker store,
redacted as `make unrecognised` does, grouped by the topic the model leaned to, with counts.
One click adds a question to a topic (the model's guess preselected) or sets it aside."""
from __future__ import annotations

from typing import Any, Dict, List

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from channels.sender_ids import REST, channel_user
from studio import content_bridge as content
from studio.audit import record
from studio.models import InboxDismissal
from studio.roles import role_required
from studio.views.topics import save_with_history

DAYS = 30
FAQ = "faq/"


def _groups(days: float) -> List[Dict[str, Any]]:
    dismissed = set(InboxDismissal.objects.values_list("key", flat=True))
    groups: Dict[str, Dict[str, Any]] = {}
    for item in content.unrecognised(days):
        key = content.question_key(item.text)
        # tries go through the REST channel, so their conversation ids are rest:studio-probeer-...
        tries = [channel_user(REST, s).startswith(content.TRY_SENDER) for s in item.senders]
        if key in dismissed or (item.senders and all(tries)):
            continue
        guess = item.guess if item.guess.startswith(FAQ) else ""
        group = groups.setdefault(guess, {"guess": guess[len(FAQ):], "label": item.guess or "geen gok",
                                          "items": [], "count": 0})
        group["items"].append({"text": item.text, "count": item.count, "confidence": item.confidence,
                               "fallback": item.fallback})
        group["count"] += item.count
    return sorted(groups.values(), key=lambda g: (-g["count"], g["label"]))


@role_required
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        days = max(1.0, min(365.0, float(request.GET.get("dagen", DAYS))))
    except ValueError:
        days = DAYS
    try:
        groups, error = _groups(days), ""
    except Exception as e:  # noqa: BLE001 - a tracker store that cannot be read is said in Dutch
        groups, error = [], f"De gesprekken konden niet gelezen worden ({type(e).__name__})."
    topics = [(t.slug, t.title or t.slug) for t in content.list_topics()]
    return render(request, "studio/inbox.html", {"groups": groups, "topics": topics, "days": int(days),
                                                 "error": error})


@require_POST
@role_required
def inbox_add(request: HttpRequest) -> HttpResponse:
    text, slug = request.POST.get("vraag", "").strip(), request.POST.get("onderwerp", "")
    if not text or not content.valid_slug(slug) or not content.topic_exists(slug):
        messages.error(request, "Kies een onderwerp.")
        return redirect("studio:inbox")
    with content.write_lock:  # read, check and write the topic as one step
        existing = content.read_topic(slug)
        draft = content.read_topic(slug)
        draft.examples.append(text)
        feedback = content.check_draft(draft)
        if feedback.errors:
            messages.error(request, f"Niet toegevoegd aan '{slug}': "
                           + " ".join(p.message for p in feedback.errors[:2]))
            return redirect("studio:inbox")
        save_with_history(request.user, existing, draft, " (uit de inbox)")
    record(request.user, "inbox", slug, f"vraag toegevoegd: {text}")
    messages.success(request, f"Toegevoegd aan '{slug}'. Train het model om het live te zetten.")
    return redirect("studio:inbox")


@require_POST
@role_required
def inbox_dismiss(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("vraag", "").strip()
    key = content.question_key(text)[:500]
    if key:
        InboxDismissal.objects.get_or_create(key=key, defaults={"by_name": request.user.get_username()})
        record(request.user, "inbox", "genegeerd", text)
        messages.success(request, "De vraag staat niet meer in de inbox.")
    return redirect("studio:inbox")


@require_POST
@role_required
def inbox_new_topic(request: HttpRequest) -> HttpResponse:
    """Start a new topic with the questions of one group."""
    request.session["new_topic_examples"] = [q.strip() for q in request.POST.getlist("vraag") if q.strip()][:50]
    return redirect(reverse("studio:topic_new"))
