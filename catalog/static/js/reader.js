/* The reader's moves (catalog/templates/reader/): next and previous page within the part shown,
 * "go to page" without a reload when the page is here, arrow keys and swipes, and the last page or
 * chapter of each book remembered in this browser (localStorage). Without it the links and forms
 * still work: this only saves round trips. No inline script: the CSP allows this file alone. */
(function () {
  "use strict";
  var root = document.getElementById("reader");
  if (!root) return;
  if (root.dataset.state === "preparing") {  // the worker is drawing the pages: look again soon
    window.setTimeout(function () { window.location.reload(); }, 5000);
    return;
  }
  if (root.dataset.state !== "ready") return;
  var key = "contentlib:reader:" + root.dataset.book;
  var url = root.dataset.url;
  var pdf = root.dataset.format === "pdf";
  var first = +root.dataset.first, last = +root.dataset.last, shown = +root.dataset.shown;
  // A PDF's parts are named by their first page, so a phone that kept them finds each offline (sw.js).
  var part = +root.dataset.part || 0;
  // The exported folder's chapters are files of their own: "{n}.html?chapter={n}" (contentlib/offline_books.py).
  var chapterUrl = root.dataset.chapterUrl;

  function remember(n) {
    try { window.localStorage.setItem(key, String(n)); } catch (e) { /* private mode: nothing kept */ }
  }
  function remembered() {
    try { return parseInt(window.localStorage.getItem(key), 10) || 0; } catch (e) { return 0; }
  }
  function pageEl(n) { return document.getElementById("p-" + n); }

  // --- PDF: which page is in view ---
  var current = first;
  function inView() {
    var pages = root.querySelectorAll(".page"), mark = window.innerHeight / 3, found = first;
    for (var i = 0; i < pages.length; i++) {
      if (pages[i].getBoundingClientRect().top <= mark) found = +pages[i].dataset.page; else break;
    }
    return found;
  }
  function show(n) {
    current = n;
    var label = root.querySelectorAll(".position");
    for (var i = 0; i < label.length; i++) label[i].textContent = label[i].dataset.template.replace("{page}", n);
    var inputs = root.querySelectorAll(".goto input");
    for (var j = 0; j < inputs.length; j++) if (document.activeElement !== inputs[j]) inputs[j].value = n;
    remember(n);
  }
  function goPage(n) {
    n = Math.max(1, Math.min(shown, n));
    if (n >= first && n <= last && pageEl(n)) {
      pageEl(n).scrollIntoView();
      show(n);
      pageEl(n).focus({ preventScroll: true });
    } else {
      remember(n);
      var start = part ? Math.floor((n - 1) / part) * part + 1 : n;
      window.location.assign(url + (start > 1 ? "?page=" + start : "") + "#p-" + n);
    }
  }

  // --- EPUB: chapters are pages of their own ---
  function goChapter(n) {
    n = Math.max(1, Math.min(shown, n));
    remember(n);
    window.location.assign(chapterUrl ? chapterUrl.replace(/\{n\}/g, n) : url + "?chapter=" + n);
  }
  function step(by) {
    if (pdf) goPage(current + by); else goChapter(+root.dataset.chapter + by);
  }

  // Links and forms: handled here when the target is on this page (or to keep the place).
  root.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-step]");
    if (!link) return;
    event.preventDefault();
    step(+link.dataset.step);
  });
  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form.goto");
    if (!form) return;
    event.preventDefault();
    var field = form.querySelector("[name=page], [name=chapter]");
    var n = parseInt(field.value, 10);
    if (!n) return;
    if (pdf) goPage(n); else goChapter(n);
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.target.isContentEditable) return;
    if (event.key === "ArrowRight") { event.preventDefault(); step(1); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); step(-1); }
  });
  var touch = null;
  root.addEventListener("touchstart", function (event) {
    touch = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
  }, { passive: true });
  root.addEventListener("touchend", function (event) {
    if (!touch || !event.changedTouches.length) return;
    var dx = event.changedTouches[0].clientX - touch.x, dy = event.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
  }, { passive: true });

  var asked = new URLSearchParams(window.location.search);
  if (pdf) {
    var pages = root.querySelectorAll(".page");
    for (var i = 0; i < pages.length; i++) pages[i].tabIndex = -1;  // focus follows "next page" for screen readers
    var ticking = false;
    window.addEventListener("scroll", function () {
      if (ticking) return;
      ticking = true;
      window.requestAnimationFrame(function () { ticking = false; var n = inView(); if (n !== current) show(n); });
    }, { passive: true });
    var back = remembered();
    if (!asked.has("page") && !window.location.hash && back > 1) goPage(back);  // where this reader left off
    else { var at = /^#p-(\d+)$/.exec(window.location.hash); show(at ? +at[1] : inView()); }
  } else {
    var back = remembered();
    if (!asked.has("chapter") && back > 1 && back <= shown && back !== +root.dataset.chapter) goChapter(back);
    else remember(+root.dataset.chapter);
  }
})();
