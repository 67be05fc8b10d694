// LifeOps dashboard: sends the forms marked data-inplace with fetch and
// swaps the page's main content for the page the server answers with, so
// done / skip / postpone / undo update XP, streaks and scores without a
// reload. Focus, open explanations and the status message are kept. With
// JavaScript off, the same forms post and the server redirects back.
(function () {
  "use strict";

  // where remembers what had focus: the entry (or other element with an
  // id) around it, and which control it was.
  function where(el) {
    if (!el || el === document.body) return null;
    var holder = el.closest("[id]");
    var form = el.form || el.closest("form");
    return {
      holder: holder ? holder.id : null,
      id: el.id || null,
      action: form ? form.getAttribute("action") : null,
      value: el.value || null,
    };
  }

  // refocus puts focus back on the same control, or its nearest
  // replacement: the first button of the same entry, else the message.
  function refocus(w, flash) {
    var target = null;
    if (w) {
      if (w.id) target = document.getElementById(w.id);
      var holder = w.holder && document.getElementById(w.holder);
      if (!target && holder && w.action) {
        target = Array.prototype.find.call(holder.querySelectorAll("button"), function (b) {
          var f = b.form;
          return f && f.getAttribute("action") === w.action && (b.value || null) === w.value;
        }) || null;
      }
      if (!target && holder) target = holder.querySelector("button, summary, a[href], input:not([type=hidden]), select, textarea");
    }
    if (target) target.focus({ preventScroll: true });
    if (!target || document.activeElement !== target) {
      flash.setAttribute("tabindex", "-1");
      flash.focus({ preventScroll: true });
    }
  }

  // swap replaces the main content with that of doc, keeping the status
  // region (so its new text is announced) and the open explanations, and
  // puts focus back where it was (focusWas), unless that is null.
  function swap(doc, focusWas, announce) {
    var main = document.querySelector("main");
    var next = doc.querySelector("main");
    if (!main || !next) return false;
    var open = Array.prototype.map.call(main.querySelectorAll("details[open][id]"), function (d) { return d.id; });
    var flash = document.getElementById("flash");
    var text = (doc.getElementById("flash") || {}).textContent || "";
    var nextFlash = next.querySelector("#flash");
    if (flash && nextFlash) nextFlash.replaceWith(flash);
    main.replaceChildren.apply(main, Array.prototype.slice.call(next.childNodes));
    open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d) d.open = true;
    });
    document.title = doc.title;
    if (flash && (announce || flash.textContent !== text)) {
      flash.textContent = "";
      // A fresh text node in the live region is announced.
      window.setTimeout(function () { flash.textContent = text; }, 30);
    }
    if (focusWas) refocus(focusWas, flash || main);
    enhance();
    return true;
  }

  // showFor shows the fields that matter for a select's choice: an
  // element with data-for="group value…" is shown when the select with
  // data-controls="group" has one of the values. Without JavaScript every
  // field shows, and the server reads only those that matter.
  function showFor(select) {
    var group = select.getAttribute("data-controls");
    document.querySelectorAll("[data-for]").forEach(function (el) {
      var words = el.getAttribute("data-for").split(" ");
      if (words[0] !== group) return;
      el.hidden = words.indexOf(select.value) < 1;
    });
  }

  // A part of the page with data-refresh (a backfill under way) is fetched
  // again after that many milliseconds, without moving focus.
  var refreshTimer = 0;
  function scheduleRefresh() {
    window.clearTimeout(refreshTimer);
    var el = document.querySelector("[data-refresh]");
    if (!el) return;
    var ms = Math.max(1000, parseInt(el.getAttribute("data-refresh"), 10) || 2000);
    refreshTimer = window.setTimeout(function () {
      if (document.documentElement.hasAttribute("data-busy")) { scheduleRefresh(); return; }
      var active = document.activeElement;
      var focusWas = active && active !== document.body ? where(active) : null;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (resp) { return resp.ok ? resp.text() : Promise.reject(resp.status); })
        .then(function (html) { swap(new DOMParser().parseFromString(html, "text/html"), focusWas, false); })
        .catch(function () { /* the Refresh link still works */ });
    }, ms);
  }

  function enhance() {
    document.querySelectorAll("select[data-controls]").forEach(showFor);
    scheduleRefresh();
  }

  document.addEventListener("change", function (ev) {
    if (ev.target instanceof HTMLSelectElement && ev.target.hasAttribute("data-controls")) showFor(ev.target);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance); else enhance();

  function send(form, submitter) {
    var body = new URLSearchParams(new FormData(form, submitter));
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    if (submitter) submitter.setAttribute("aria-busy", "true");
    var focusWas = where(submitter || document.activeElement);
    document.documentElement.setAttribute("data-busy", "");
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "text/html" },
    }).then(function (resp) {
      return resp.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!swap(doc, focusWas, true)) throw new Error("no page in the answer");
        if (resp.redirected && resp.url) {
          var u = new URL(resp.url);
          if (u.origin === location.origin) history.replaceState(null, "", u.pathname + u.search);
        }
      });
    }).catch(function () {
      // Fall back to the plain form post.
      form.setAttribute("data-native", "");
      if (submitter) form.requestSubmit(submitter); else form.requestSubmit();
    }).finally(function () {
      document.documentElement.removeAttribute("data-busy");
      buttons.forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-inplace") || form.hasAttribute("data-native")) return;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post" || !window.fetch) return;
    ev.preventDefault();
    if (document.documentElement.hasAttribute("data-busy")) return;
    send(form, ev.submitter || null);
  });
})();
