// Little JavaScript: live feedback on the topic page and the training progress bar.
// Everything works without it (the server checks on save; the progress page can be reloaded).
(function () {
  "use strict";

  function text(tag, className, content) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (content !== undefined) { el.textContent = content; }
    return el;
  }

  function topicFeedback(form) {
    var box = document.getElementById("controle");
    var meter = document.getElementById("antwoord-meting");
    var timer = null;
    var pending = null;

    function show(result) {
      box.replaceChildren();
      if (!result.problems.length) {
        box.appendChild(text("p", "ok", "Geen fouten of opmerkingen."));
      } else {
        var list = text("ul", "problems");
        result.problems.forEach(function (p) {
          var item = text("li", p.severity);
          item.appendChild(text("strong", "", p.severity === "error" ? "Fout:" : "Let op:"));
          item.appendChild(document.createTextNode(" " + p.message));
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      meter.textContent = result.words + " woorden (maximaal " + result.max_words + "), leesbaarheid " +
        result.reading_ease + " (minimaal " + Math.round(result.min_reading_ease) + ")";
    }

    function check() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(form.dataset.checkUrl, {method: "POST", body: new FormData(form), signal: pending.signal,
                                    credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (result) { if (result) { show(result); } })
        .catch(function () { /* aborted or offline: the server checks again on save */ });
    }

    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 500);
    });
  }

  function trainingProgress(box) {
    var bar = document.getElementById("balk");
    var percent = document.getElementById("procent");
    var step = document.getElementById("stap");
    function poll() {
      fetch(box.dataset.statusUrl, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          bar.value = s.percent;
          bar.textContent = s.percent + "%";
          percent.textContent = s.percent + "%";
          step.textContent = s.done ? s.state_label : "Stap " + s.step + " van 6: " + s.step_text;
          if (s.done) { window.location.reload(); } else { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("topic-form");
    if (form) { topicFeedback(form); }
    var box = document.getElementById("voortgang");
    if (box && box.dataset.running === "1") { trainingProgress(box); }
  });
})();
