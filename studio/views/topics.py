"""Topics: the searchable list, the topic page (edit, live check, save), history and undo,
adding and removing. Content goes through studio.content_bridge only."""
from __future__ import annotations

import json
from typing import Any, Dict, List

from django.contrib import messages
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio import content_bridge as content
from studio.audit import record
from studio.models import TopicRevision
from studio.roles import role_required

EMPTY_SOURCE_ROWS = 1
EMPTY_BUTTON_ROWS = 1


@role_required
def topic_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("zoek", "").strip()
    topics = content.list_topics()
    if query:
        topics = [t for t in topics if t.matches(query)]
    last = {r["slug"]: r["last"] for r in TopicRevision.objects.values("slug").annotate(last=Max("at"))}
    authors = {}
    for rev in TopicRevision.objects.filter(slug__in=[t.slug for t in topics]).order_by("slug", "-at"):
        authors.setdefault(rev.slug, rev.author_name)
    rows = [{"topic": t, "changed": max(filter(None, [t.changed, last.get(t.slug)])),
             "author": authors.get(t.slug, "")} for t in topics]
    return render(request, "studio/topics.html", {"rows": rows, "query": query})


def _draft_from_post(slug: str, post: Any) -> content.TopicDraft:
    sources = [content.SourceRow(t, u) for t, u in zip(post.getlist("bron_titel"), post.getlist("bron_url"))]
    buttons = [content.ButtonRow(t, p) for t, p in zip(post.getlist("knop_titel"), post.getlist("knop_doel"))]
    examples = [line.strip().lstrip("-").strip() for line in post.get("vragen", "").splitlines()]
    return content.TopicDraft(slug=slug, title=post.get("titel", "").strip(),
                              examples=[e for e in examples if e], answer=post.get("antwoord", ""),
                              sources=[r for r in sources if r.title.strip() or r.url.strip()],
                              buttons=[b for b in buttons if b.title.strip() or b.payload.strip()],
                              exists=content.topic_exists(slug))


def _form_context(draft: content.TopicDraft, feedback: content.Feedback | None) -> Dict[str, Any]:
    targets = content.button_targets()
    known = {p for p, _ in targets}
    for b in draft.buttons:
        if b.payload and b.payload not in known:
            targets.append((b.payload, f"Anders: {b.payload}"))
    return {"draft": draft, "examples_text": "\n".join(draft.examples),
            "sources": draft.sources + [content.SourceRow("")] * EMPTY_SOURCE_ROWS,
            "buttons": draft.buttons + [content.ButtonRow("", "")] * EMPTY_BUTTON_ROWS,
            "targets": targets, "feedback": feedback.to_dict() if feedback else None,
            "history": TopicRevision.objects.filter(slug=draft.slug)[:20]}


@role_required
def topic_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not content.valid_slug(slug):
        raise Http404
    existing = content.read_topic(slug)
    if not existing.exists and request.method != "POST" and request.GET.get("nieuw") != "1":
        raise Http404
    if not existing.exists and request.method != "POST":
        existing.examples = list(request.session.pop("new_topic_examples", []))
    if request.method == "POST":
        draft = _draft_from_post(slug, request.POST)
        feedback = content.check_draft(draft)
        if feedback.errors:
            messages.error(request, f"Niet opgeslagen: er {'is' if len(feedback.errors) == 1 else 'zijn'} "
                                    f"{len(feedback.errors)} fout(en). Los ze op en sla opnieuw op.")
            return render(request, "studio/topic.html", _form_context(draft, feedback), status=400)
        if save_with_history(request.user, existing, draft):
            messages.success(request, "Opgeslagen. Train het model om de wijziging live te zetten.")
        else:
            messages.info(request, "Er was niets veranderd.")
        return redirect("studio:topic", slug=slug)
    return render(request, "studio/topic.html", _form_context(existing, content.check_draft(existing)
                                                               if existing.exists else None))


def save_with_history(user: Any, existing: content.TopicDraft, draft: content.TopicDraft,
                      note: str = "") -> bool:
    """Write the topic (already checked) and keep the change in its history; False if nothing changed."""
    slug = draft.slug
    with content.write_lock:
        before = content.snapshot(slug)
        content.save_topic(draft)
        after = content.snapshot(slug)
    if before == after:
        return False
    summary = _change_summary(existing, draft) + note
    TopicRevision.objects.create(slug=slug, author=user, author_name=user.get_username(),
                                 summary=summary, before_text=json.dumps(before), after_text=json.dumps(after),
                                 before_title=before.get("title") or "", after_title=after.get("title") or "")
    record(user, "topic_save" if existing.exists else "topic_add", slug, summary)
    return True


def _change_summary(old: content.TopicDraft, new: content.TopicDraft) -> str:
    if not old.exists:
        return "nieuw onderwerp"
    parts: List[str] = []
    added = [e for e in new.examples if e not in old.examples]
    removed = [e for e in old.examples if e not in new.examples]
    if added:
        parts.append(f"{len(added)} vraag/vragen toegevoegd")
    if removed:
        parts.append(f"{len(removed)} vraag/vragen weggehaald")
    if old.answer.strip() != new.answer.strip():
        parts.append("antwoord gewijzigd")
    if [(s.title, s.url) for s in old.sources] != [(s.title.strip(), s.url.strip()) for s in new.sources
                                                   if s.title.strip() or s.url.strip()]:
        parts.append("bron gewijzigd")
    if [(b.title, b.payload) for b in old.buttons] != [(b.title.strip(), b.payload.strip()) for b in new.buttons
                                                       if b.title.strip() and b.payload.strip()]:
        parts.append("knoppen gewijzigd")
    if old.title != new.title:
        parts.append("korte titel gewijzigd")
    return ", ".join(parts) or "opmaak bijgewerkt"


@require_POST
@role_required
def topic_check(request: HttpRequest, slug: str) -> JsonResponse:
    """Live feedback while typing: what make validate would say about the form as it is."""
    if not content.valid_slug(slug):
        raise Http404
    return JsonResponse(content.check_draft(_draft_from_post(slug, request.POST)).to_dict())


@role_required
def topic_new(request: HttpRequest) -> HttpResponse:
    error = ""
    slug = request.POST.get("naam", "").strip().lower() if request.method == "POST" else ""
    if request.method == "POST":
        if not content.valid_slug(slug):
            error = "Gebruik alleen kleine letters, cijfers en '_' (bijvoorbeeld: respijtzorg_kosten)."
        elif content.read_topic(slug).exists:
            error = "Er is al een onderwerp met deze naam."
        else:
            return redirect(reverse("studio:topic", kwargs={"slug": slug}) + "?nieuw=1")
    return render(request, "studio/topic_new.html", {"error": error, "slug": slug}, status=400 if error else 200)


@require_POST
@role_required
def topic_remove(request: HttpRequest, slug: str) -> HttpResponse:
    if not content.valid_slug(slug) or not content.read_topic(slug).exists:
        raise Http404
    blocking = content.removal_problems(slug)
    if blocking:
        messages.error(request, "Niet verwijderd: " + " ".join(p.message for p in blocking[:3]))
        return redirect("studio:topic", slug=slug)
    before = content.snapshot(slug)
    content.remove_topic(slug)
    after = content.snapshot(slug)
    TopicRevision.objects.create(slug=slug, author=request.user, author_name=request.user.get_username(),
                                 summary="onderwerp verwijderd", before_text=json.dumps(before),
                                 after_text=json.dumps(after), before_title=before.get("title") or "")
    record(request.user, "topic_remove", slug, "onderwerp verwijderd (ongedaan te maken in de geschiedenis)")
    messages.success(request, f"Het onderwerp '{slug}' is verwijderd. Ongedaan maken kan bij 'Geschiedenis'.")
    return redirect("studio:topics")


@role_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    revisions = TopicRevision.objects.filter(slug=slug)
    return render(request, "studio/history.html", {"slug": slug, "revisions": revisions,
                                                    "exists": content.read_topic(slug).exists})


@require_POST
@role_required
def undo(request: HttpRequest, revision_id: int) -> HttpResponse:
    revision = get_object_or_404(TopicRevision, pk=revision_id)
    current = content.snapshot(revision.slug)
    if current != json.loads(revision.after_text):
        messages.error(request, "Deze wijziging kan niet meer ongedaan worden gemaakt: het onderwerp is daarna "
                                "nog een keer veranderd. Maak eerst de latere wijziging ongedaan.")
        return redirect("studio:history", slug=revision.slug)
    before = json.loads(revision.before_text)
    content.restore(revision.slug, before)
    TopicRevision.objects.create(slug=revision.slug, author=request.user, author_name=request.user.get_username(),
                                 summary=f"ongedaan gemaakt: {revision.summary}", before_text=json.dumps(current),
                                 after_text=json.dumps(before), before_title=current.get("title") or "",
                                 after_title=before.get("title") or "")
    record(request.user, "topic_undo", revision.slug, f"ongedaan gemaakt: {revision.summary} "
                                                      f"(van {revision.author_name})")
    messages.success(request, "De wijziging is ongedaan gemaakt.")
    if content.read_topic(revision.slug).exists:
        return redirect("studio:topic", slug=revision.slug)
    return redirect("studio:topics")
