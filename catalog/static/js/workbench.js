/* The translation workbench, made quicker: autosave, the keyboard, one-click suggestions and terms
 * (redrawn from every save's answer, and asked for again when the editor comes back to a segment
 * whose helps are older than data-fresh milliseconds: the memory may have learned since), and the
 * player following the cue being edited. Every part also works without this file (each segment is
 * a plain form); the page's data-* attributes carry what this script needs. */
(function () {
  "use strict";
  var bench = document.getElementById("workbench");
  if (!bench) { return; }
  var locked = bench.dataset.locked === "1";
  var names = JSON.parse(bench.dataset.checks || "{}");
  var rows = Array.prototype.slice.call(bench.querySelectorAll("li.seg"));
  var video = document.getElementById("wb-video");
  var overlay = document.getElementById("wb-cue");
  var current = null;
  var timers = new WeakMap();
  var asked = new WeakMap();  // when each segment's suggestions and terms were last drawn from the server
  var loaded = Date.now();

  function area(li) { return li.querySelector("textarea.target"); }
  function mark(li) { return li.querySelector("input.done"); }

  function say(li, text) {
    var status = li.querySelector(".seg-status");
    if (status) { status.textContent = text; }
  }

  function showChecks(li, checks) {
    var list = li.querySelector("ul.checks");
    if (!list) { return; }
    list.textContent = "";
    checks.forEach(function (c) {
      var item = document.createElement("li");
      item.className = "check check-" + c.severity;
      item.dataset.code = c.code;
      var name = document.createElement("strong");
      name.textContent = names[c.code] || c.code;
      var detail = document.createElement("span");
      detail.className = "meta";
      detail.lang = "en";
      detail.textContent = " " + c.message;
      item.appendChild(name);
      item.appendChild(detail);
      list.appendChild(item);
    });
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  // A suggestion's or a term's button submits the segment's own form (so it works without this script).
  function formButton(li, className, name, value, text) {
    var button = node("button", className, text);
    button.type = "submit";
    button.name = name;
    button.value = value;
    button.setAttribute("form", li.querySelector("form.seg-form").id);
    button.disabled = locked;
    return button;
  }

  function showSuggestions(li, suggestions) {
    var box = li.querySelector(".wb-suggestions");
    if (!box) { return; }
    var list = box.querySelector("ol");
    list.textContent = "";
    suggestions.forEach(function (g, i) {
      var button = formButton(li, "use link", "use", g.target);
      button.dataset.n = String(i + 1);
      var target = node("span", null, g.target);
      target.lang = bench.dataset.lang;
      button.append(node("span", "sim", Math.round(g.similarity * 100) + "%"), " ", target);
      var source = node("span", null, g.source);
      source.lang = bench.dataset.src;
      var link = node("a", null, g.work);
      link.href = bench.dataset.workUrl.replace("__work__", encodeURIComponent(g.work));
      var meta = node("span", "meta");
      meta.append(source, " · ", link);
      var item = node("li");
      item.append(button, " ", meta);
      list.appendChild(item);
    });
    box.hidden = !suggestions.length;
  }

  function showTerms(li, terms) {
    var box = li.querySelector(".wb-terms");
    if (!box) { return; }
    var list = box.querySelector("ul");
    list.textContent = "";
    terms.forEach(function (t) {
      var source = node("span", null, t.source);
      source.lang = bench.dataset.src;
      var button = formButton(li, "term link", "insert", t.target, t.target);
      button.lang = bench.dataset.lang;
      button.dataset.insert = t.target;
      var item = node("li");
      item.append(source, " → ", button);
      if (t.used) { item.append(" ", node("span", "meta used", "✓")); }
      list.appendChild(item);
    });
    box.hidden = !terms.length;
  }

  function showHelps(li, data, withChecks) {
    showSuggestions(li, data.suggestions || []);
    showTerms(li, data.terms || []);
    if (withChecks) { showChecks(li, data.checks || []); }
    asked.set(li, Date.now());
  }

  // Coming back to a segment whose helps are old: ask for them again (after a short pause, so moving
  // through the rows with the keyboard asks only for the one the editor stays on).
  function refresh(li) {
    var since = asked.has(li) ? asked.get(li) : loaded;
    if (Date.now() - since < +(bench.dataset.fresh || 20000)) { return; }
    setTimeout(function () {
      if (current !== li) { return; }
      asked.set(li, Date.now());
      fetch(li.dataset.api, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          // the checks speak of the saved text: leave them to the save when one is on its way
          if (data) { showHelps(li, data, !li.dataset.pending); }
        })
        .catch(function () { /* the helps on the page stay */ });
    }, 300);
  }

  function progress() {
    var done = bench.querySelectorAll("li.seg.is-done").length;
    var bar = document.getElementById("progress");
    var count = document.getElementById("progress-count");
    if (bar) { bar.value = done; }
    if (count && bench.dataset.progress) {
      count.textContent = bench.dataset.progress.replace("{done}", done).replace("{total}", rows.length);
    }
  }

  // One save at a time, in the order asked, each sending the text as it is when its turn comes:
  // answers can then never arrive out of order, and a quick typist's draft is never overtaken.
  var line = Promise.resolve();

  function send(li) {
    delete li.dataset.queued;
    var body = JSON.stringify({target: area(li).value, done: mark(li).checked});
    say(li, bench.dataset.saving);
    return fetch(li.dataset.api, {
      method: "PUT", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": bench.dataset.csrf},
      body: body
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (answer) {
      if (!answer.ok) {
        say(li, bench.dataset.failed + ((answer.data.error || {}).message || ""));
        return;
      }
      li.classList.toggle("is-done", answer.data.done);
      if (!li.dataset.queued) { mark(li).checked = answer.data.done; }
      showHelps(li, answer.data, true);
      say(li, bench.dataset.saved);
      progress();
    }).catch(function () {
      say(li, bench.dataset.failed);
    });
  }

  function save(li) {
    if (locked) { return Promise.resolve(); }
    clearTimeout(timers.get(li));
    li.dataset.pending = "1";
    if (li.dataset.queued) { return line; }  // already waiting: it will send the latest text
    li.dataset.queued = "1";
    var mine = line.then(function () { return send(li); });
    line = mine.then(function () {
      if (!li.dataset.queued) { delete li.dataset.pending; }
    });
    return line;
  }

  function later(li) {
    clearTimeout(timers.get(li));
    li.dataset.pending = "1";
    timers.set(li, setTimeout(function () { save(li); }, 700));
  }

  function cueAt(seconds) {
    var ms = seconds * 1000;
    for (var i = 0; i < rows.length; i++) {
      var li = rows[i];
      if (li.dataset.kind === "cue" && +li.dataset.start <= ms && ms < +li.dataset.end) { return li; }
    }
    return null;
  }

  function showCue(li) {
    if (!overlay) { return; }
    var text = li ? area(li).value.trim() : "";
    overlay.textContent = text;
    overlay.hidden = !text;
  }

  function choose(li) {
    if (current) { current.classList.remove("is-current"); }
    current = li;
    li.classList.add("is-current");
    refresh(li);
    if (li.dataset.kind === "cue" && video) {
      try { video.currentTime = (+li.dataset.start + 1) / 1000; } catch (e) { /* not loaded yet */ }
      showCue(li);
    }
  }

  function go(step) {
    var at = rows.indexOf(current);
    var next = rows[Math.min(rows.length - 1, Math.max(0, at + step))];
    if (next) {
      area(next).focus();
      next.scrollIntoView({block: "nearest"});
    }
  }

  function use(li, text) {
    area(li).value = text;
    if (li === current) { showCue(li); }
    area(li).focus();
    return save(li);
  }

  rows.forEach(function (li) {
    var text = area(li);
    text.addEventListener("focus", function () { choose(li); });
    text.addEventListener("input", function () {
      if (li === current) { showCue(li); }
      later(li);
    });
    text.addEventListener("keydown", function (e) {
      if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); go(1); }
      else if (e.altKey && e.key === "ArrowUp") { e.preventDefault(); go(-1); }
      else if (e.ctrlKey && e.key === "Enter") {
        e.preventDefault();
        if (!locked && text.value.trim()) { mark(li).checked = true; }
        save(li);
        go(1);
      } else if (e.altKey && /^Digit[1-5]$/.test(e.code)) {
        var button = li.querySelectorAll("button.use")[+e.code.slice(5) - 1];
        if (button && !locked) { e.preventDefault(); use(li, button.value); }
      }
    });
    mark(li).addEventListener("change", function () { save(li); });
    li.querySelector("form.seg-form").addEventListener("submit", function (e) { e.preventDefault(); save(li); });
    // the suggestions and terms are redrawn after each save: one listener for whatever buttons are there now
    li.addEventListener("click", function (e) {
      var button = e.target.closest("button.use, button.term");
      if (!button || locked) { return; }
      e.preventDefault();
      if (button.classList.contains("use")) { use(li, button.value); return; }
      var start = text.selectionStart, end = text.selectionEnd;
      text.value = text.value.slice(0, start) + button.dataset.insert + text.value.slice(end);
      text.focus();
      text.selectionStart = text.selectionEnd = start + button.dataset.insert.length;
      if (li === current) { showCue(li); }
      save(li);
    });
  });

  if (video) {
    video.addEventListener("timeupdate", function () {
      if (!video.paused || !current || current.dataset.kind !== "cue") { showCue(cueAt(video.currentTime)); }
    });
  }

  window.addEventListener("beforeunload", function (e) {
    if (bench.querySelector("li.seg[data-pending]")) { e.preventDefault(); e.returnValue = ""; }
  });
})();
