"""Try it: a question to the live model and to the draft model (trained from the current
content but not published), with the topic each chooses, its confidence and the answer."""
from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from studio import content_bridge as content
from studio.roles import role_required


@role_required
def try_it(request: HttpRequest) -> HttpResponse:
    question = request.POST.get("vraag", "").strip()[:500] if request.method == "POST" else ""
    live = draft = None
    error = ""
    draft_model = content.draft_model()
    if question:
        try:
            label, confidence = content.live_parse(question)
            messages = content.live_answer(question, content.TRY_SENDER + secrets.token_hex(6))
            live = {"label": label, "confidence": confidence,
                    "texts": [m.get("text", "") for m in messages if m.get("text")],
                    "buttons": [b.get("title", "") for m in messages for b in m.get("buttons") or []]}
        except Exception as e:  # noqa: BLE001 - the assistant may be down; say so in Dutch
            error = f"De assistent is niet bereikbaar ({type(e).__name__}). Draait hij?"
        if draft_model is not None:
            label, confidence = content.draft_parse(draft_model, question)
            topic = content.content_answer(label)
            draft = {"label": label, "confidence": confidence, "texts": [topic.answer] if topic else [],
                     "buttons": [b.title for b in topic.buttons] if topic else []}
    return render(request, "studio/try.html", {"question": question, "live": live, "draft": draft,
                                               "draft_model": draft_model.name if draft_model else "",
                                               "error": error})
