/*
 * Chatvenster voor de digitale assistent mantelzorg (Rasa, socket.io-kanaal).
 *
 * Eén regel op de eigen site is genoeg (zie README, "Kanalen"):
 *   <script src="https://ASSISTENT/widget/chat.js" data-rasa-url="https://RASA" defer></script>
 * Het script laadt zelf chat.css en de socket.io-client uit dezelfde map/server.
 *
 * Veiligheid: alle tekst gaat via textContent / createTextNode, nooit innerHTML; links
 * worden alleen gemaakt voor http(s)-adressen; "Meer lezen" (de bron van een antwoord) alleen
 * voor https. Toegankelijkheid: echte <button>s, een
 * zichtbaar label bij het invoerveld, role="log" voor nieuwe berichten, Escape sluit,
 * focus blijft zichtbaar. Het gesprek (sessie-id + berichten) staat in sessionStorage
 * en blijft dus bewaard bij herladen, maar niet na het sluiten van het tabblad.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/[^/]*$/, "") : "/widget/";
  var cfg = window.MANTELZORG_CHAT || {};

  function attr(name, fallback) {
    var v = script && script.getAttribute(name);
    return v !== null && v !== undefined && v !== "" ? v : fallback;
  }

  var settings = {
    rasaUrl: attr("data-rasa-url", cfg.rasaUrl || ""),
    socketPath: attr("data-socket-path", cfg.socketPath || "/socket.io/"),
    title: attr("data-title", cfg.title || "Digitale assistent mantelzorg"),
    launcher: attr("data-launcher", cfg.launcher || "Stel uw vraag"),
    greeting: attr("data-greeting-payload", cfg.greetingPayload || "/greet"),
    socketIoSrc: attr("data-socketio-src", cfg.socketIoSrc || base + "../vendor/socket.io-client/socket.io.min.js"),
    storageKey: cfg.storageKey || "mantelzorg-chat-v1"
  };

  var MAX_MESSAGES = 200;
  var TYPING_TIMEOUT_MS = 20000;
  var state = load();
  var socket = null;
  var connected = false;
  var confirmed = false;
  var pending = [];
  var typingTimer = null;
  var ui = {};

  /* ---------- opslag ---------- */

  function storage() {
    try {
      var s = window.sessionStorage;
      s.setItem("__mzc", "1");
      s.removeItem("__mzc");
      return s;
    } catch (e) {
      return null; // bv. cookies/opslag geblokkeerd: werkt, maar zonder bewaren bij herladen
    }
  }

  function load() {
    var fresh = { sessionId: null, messages: [], open: false, greeted: false };
    var s = storage();
    if (!s) return fresh;
    try {
      var data = JSON.parse(s.getItem(settings.storageKey) || "null");
      if (data && Array.isArray(data.messages)) {
        fresh.sessionId = typeof data.sessionId === "string" ? data.sessionId : null;
        fresh.messages = data.messages.slice(-MAX_MESSAGES);
        fresh.open = !!data.open;
        fresh.greeted = !!data.greeted;
      }
    } catch (e) { /* kapotte opslag: begin opnieuw */ }
    return fresh;
  }

  function save() {
    var s = storage();
    if (!s) return;
    state.messages = state.messages.slice(-MAX_MESSAGES);
    try { s.setItem(settings.storageKey, JSON.stringify(state)); } catch (e) { /* vol */ }
  }

  /* ---------- DOM-hulpjes (nooit innerHTML) ---------- */

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else if (key === "className") node.className = props[key];
      else if (key === "hidden") node.hidden = !!props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function srOnly(text) {
    return el("span", { className: "mzc-sr", text: text });
  }

  var LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|\b(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)/gi;

  function safeHref(url) {
    var candidate = /^www\./i.test(url) ? "https://" + url : url;
    try {
      var parsed = new URL(candidate);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(label, href) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" },
      [document.createTextNode(label), srOnly(" (opent in een nieuw tabblad)")]);
  }

  /* "Meer lezen": de bronpagina van een antwoord (read_more van de server). Alleen https,
     nooit een ander adres; de naam van de link zegt waar hij heen gaat. */
  function sourcePage(data) {
    if (!data || typeof data !== "object" || typeof data.url !== "string") return null;
    var parsed;
    try { parsed = new URL(data.url); } catch (e) { return null; }
    if (parsed.protocol !== "https:" || !parsed.hostname || parsed.username || parsed.password) return null;
    var title = typeof data.title === "string" ? data.title.replace(/\s+/g, " ").trim().slice(0, 200) : "";
    return { title: title, url: parsed.href, host: parsed.hostname.replace(/^www\./, "") };
  }

  function readMore(source) {
    var page = sourcePage(source);
    if (!page) return null;
    var where = (page.title ? ": " + page.title + "," : "") + " op " + page.host + " (opent in een nieuw tabblad)";
    return el("p", { className: "mzc-readmore" }, [
      el("a", { href: page.url, target: "_blank", rel: "noopener noreferrer" },
        [document.createTextNode("Meer lezen"), srOnly(where)])
    ]);
  }

  /* Tekst met regeleinden en klikbare links; alles als tekstknopen. */
  function richText(parent, text) {
    String(text || "").split("\n").forEach(function (line, i) {
      if (i > 0) parent.appendChild(document.createElement("br"));
      var last = 0;
      line.replace(LINK, function (match, mdLabel, mdUrl, bare, offset) {
        var url = mdUrl || bare;
        var trail = "";
        if (bare) { // leestekens aan het eind horen niet bij het adres
          var m = /[.,;:!?)]+$/.exec(url);
          if (m) { trail = m[0]; url = url.slice(0, -trail.length); }
        }
        var href = safeHref(url);
        if (!href) return match;
        if (offset > last) parent.appendChild(document.createTextNode(line.slice(last, offset)));
        parent.appendChild(link(mdLabel || url, href));
        if (trail) parent.appendChild(document.createTextNode(trail));
        last = offset + match.length;
        return match;
      });
      if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  /* ---------- opbouw ---------- */

  function build() {
    if (!document.querySelector("link[data-mzc-css]")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: base + "chat.css", "data-mzc-css": "" }));
    }
    ui.launcher = el("button", {
      type: "button", className: "mzc-launcher", "aria-expanded": "false", "aria-controls": "mzc-panel"
    }, [el("span", { className: "mzc-launcher-icon", "aria-hidden": "true", text: "💬" }),
        el("span", { text: settings.launcher })]);

    ui.title = el("h2", { id: "mzc-title", className: "mzc-title", text: settings.title });
    ui.restart = el("button", { type: "button", className: "mzc-textbutton", text: "Nieuw gesprek" });
    ui.close = el("button", { type: "button", className: "mzc-textbutton", text: "Sluiten" });
    ui.log = el("div", {
      id: "mzc-log", className: "mzc-log", role: "log", "aria-live": "polite",
      "aria-relevant": "additions", "aria-label": "Gesprek", tabindex: "0"
    });
    ui.status = el("p", { className: "mzc-status", role: "status", "aria-live": "polite" });
    ui.input = el("input", {
      id: "mzc-input", className: "mzc-input", type: "text", name: "message",
      autocomplete: "off", maxlength: "500", "aria-describedby": "mzc-hint"
    });
    ui.send = el("button", { type: "submit", className: "mzc-send", text: "Verstuur" });
    ui.form = el("form", { className: "mzc-form", novalidate: "" }, [
      el("label", { for: "mzc-input", className: "mzc-label", text: "Typ uw vraag" }),
      el("div", { className: "mzc-row" }, [ui.input, ui.send]),
      el("p", { id: "mzc-hint", className: "mzc-hint",
        text: "Deel geen persoonlijke gegevens, zoals uw BSN of medische gegevens." })
    ]);
    ui.panel = el("section", {
      id: "mzc-panel", className: "mzc-panel", "aria-labelledby": "mzc-title", hidden: true
    }, [
      el("div", { className: "mzc-header" }, [ui.title, el("div", { className: "mzc-actions" }, [ui.restart, ui.close])]),
      el("p", { className: "mzc-intro",
        text: "U praat met een digitale assistent, niet met een mens. De antwoorden zijn algemene informatie." }),
      ui.log, ui.status, ui.form
    ]);
    ui.root = el("div", { className: "mzc", lang: "nl" }, [ui.panel, ui.launcher]);
    document.body.appendChild(ui.root);

    ui.launcher.addEventListener("click", function () { setOpen(!state.open, true); });
    ui.close.addEventListener("click", function () { setOpen(false, true); });
    ui.restart.addEventListener("click", restart);
    ui.panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); setOpen(false, true); }
    });
    ui.form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = ui.input.value.trim();
      if (!text) { ui.input.focus(); return; }
      ui.input.value = "";
      sendUser(text, text);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-mzc-open]"), function (opener) {
      opener.addEventListener("click", function (e) { e.preventDefault(); setOpen(true, true); });
    });

    state.messages.forEach(function (m) { render(m); });
    setOpen(state.open, false);
  }

  function setOpen(open, moveFocus) {
    state.open = !!open;
    ui.panel.hidden = !state.open;
    ui.launcher.setAttribute("aria-expanded", state.open ? "true" : "false");
    ui.root.classList.toggle("mzc-is-open", state.open);
    save();
    if (state.open) {
      connect();
      scrollDown();
      if (moveFocus) ui.input.focus();
      if (!state.greeted && settings.greeting) {
        state.greeted = true;
        save();
        sendUser(settings.greeting, null);
      }
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }

  /* ---------- berichten ---------- */

  function render(m) {
    var who = m.from === "user" ? "U" : "Assistent";
    var bubble = el("div", { className: "mzc-bubble" });
    richText(bubble, m.text);
    if (m.from !== "user" && m.source) {
      var more = readMore(m.source);
      if (more) bubble.appendChild(more);
    }
    var item = el("div", { className: "mzc-msg mzc-" + (m.from === "user" ? "user" : "bot") },
      [srOnly(who + ": "), bubble]);
    if (m.image) {
      var href = safeHref(m.image);
      if (href) bubble.appendChild(el("p", {}, [link("Afbeelding bekijken", href)]));
    }
    if (m.buttons && m.buttons.length) {
      var group = el("div", { className: "mzc-choices", role: "group", "aria-label": "Keuzes" });
      m.buttons.forEach(function (b) {
        var button = el("button", { type: "button", className: "mzc-choice", text: b.title });
        if (m.used) button.disabled = true;
        button.addEventListener("click", function () {
          sendUser(b.payload, b.title);
          ui.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    ui.log.appendChild(item);
    scrollDown();
  }

  function addMessage(m) {
    var stored = { from: m.from, text: m.text || "", buttons: m.buttons || [], image: m.image || null,
                   source: m.source || null, used: false };
    state.messages.push(stored);
    save();
    render(stored);
  }

  /* Knoppen van eerdere berichten zijn niet meer te kiezen als er verder gepraat is. */
  function retireChoices() {
    var groups = ui.log.querySelectorAll(".mzc-choices");
    Array.prototype.forEach.call(groups, function (g) {
      Array.prototype.forEach.call(g.querySelectorAll("button"), function (b) { b.disabled = true; });
    });
    state.messages.forEach(function (m) { if (m.buttons && m.buttons.length) m.used = true; });
  }

  function sendUser(payload, shownText) {
    if (shownText !== null) {
      retireChoices();
      addMessage({ from: "user", text: shownText });
    }
    pending.push(payload);
    flush();
    setTyping(true);
  }

  function flush() {
    if (!socket || !connected || !confirmed || !state.sessionId) {
      connect();
      return;
    }
    while (pending.length) {
      socket.emit("user_uttered", { message: pending.shift(), session_id: state.sessionId });
    }
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    if (on) {
      ui.status.textContent = connected ? "De assistent schrijft een antwoord…" : "Verbinding maken…";
      typingTimer = setTimeout(function () { ui.status.textContent = ""; }, TYPING_TIMEOUT_MS);
    } else {
      ui.status.textContent = "";
    }
  }

  function onBotMessage(data) {
    if (!data || typeof data !== "object") return;
    var buttons = (data.quick_replies || data.buttons || []).filter(function (b) {
      return b && (b.title || b.payload);
    }).map(function (b) {
      return { title: String(b.title || b.payload), payload: String(b.payload || b.title) };
    });
    var image = data.attachment && data.attachment.type === "image" && data.attachment.payload
      ? String(data.attachment.payload.src || "") : null;
    if (!data.text && !buttons.length && !image) return;
    var source = sourcePage(data.read_more);
    setTyping(false);
    addMessage({ from: "bot", text: typeof data.text === "string" ? data.text : "", buttons: buttons, image: image,
                 source: source ? { title: source.title, url: source.url } : null });
  }

  function scrollDown() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function restart() {
    state.sessionId = null;
    state.messages = [];
    state.greeted = false;
    pending = [];
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    save();
    if (socket) {
      confirmed = false;
      socket.emit("session_request", { session_id: null });
    }
    ui.status.textContent = "Er is een nieuw gesprek gestart.";
    state.greeted = true;
    save();
    sendUser(settings.greeting, null);
    ui.input.focus();
  }

  /* ---------- verbinding ---------- */

  function loadSocketIo(callback) {
    if (window.io) { callback(); return; }
    var existing = document.querySelector("script[data-mzc-socketio]");
    if (existing) { existing.addEventListener("load", callback); return; }
    var tag = el("script", { src: settings.socketIoSrc, "data-mzc-socketio": "" });
    tag.addEventListener("load", callback);
    tag.addEventListener("error", function () {
      ui.status.textContent = "De chat kan nu niet laden. Probeer het later opnieuw of bel 14 + netnummer.";
    });
    document.head.appendChild(tag);
  }

  function connect() {
    if (socket) return;
    socket = "loading";
    ui.status.textContent = "Verbinding maken…";
    loadSocketIo(function () {
      socket = window.io(settings.rasaUrl || window.location.origin, {
        path: settings.socketPath,
        transports: ["websocket", "polling"],
        tryAllTransports: true,
        reconnectionDelayMax: 10000
      });
      socket.on("connect", function () {
        connected = true;
        confirmed = false;
        socket.emit("session_request", { session_id: state.sessionId });
      });
      socket.on("session_confirm", function (data) {
        var id = typeof data === "string" ? data : data && data.session_id;
        if (id) state.sessionId = String(id);
        confirmed = true;
        save();
        if (!pending.length) ui.status.textContent = "";
        else setTyping(true);
        flush();
      });
      socket.on("bot_uttered", onBotMessage);
      socket.on("disconnect", function () {
        connected = false;
        confirmed = false;
        ui.status.textContent = "De verbinding is verbroken. Opnieuw verbinden…";
      });
      socket.on("connect_error", function () {
        ui.status.textContent = "Geen verbinding met de assistent. Opnieuw proberen…";
      });
    });
  }

  function start() {
    build();
    if (state.sessionId || state.open) connect();
  }

  /* Kleine API voor de pagina zelf, bv. een eigen knop of een melding van de gemeente:
     MantelzorgChat.open(), .close(), .showBotMessage({text, quick_replies, read_more}). De berichten
     gaan door dezelfde (veilige) weergave als die van de assistent. */
  window.MantelzorgChat = {
    open: function () { if (ui.panel) setOpen(true, true); },
    close: function () { if (ui.panel) setOpen(false, true); },
    showBotMessage: function (data) { if (ui.panel) onBotMessage(data); }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
