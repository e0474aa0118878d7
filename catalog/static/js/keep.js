/* "Keep on this phone": registers the service worker (sw.js) and stores a work or a list in Cache Storage:
   its pages, the light videos (the original only when no light one exists), subtitles, covers, books,
   the books' reader pages with their smaller pictures (so the reader opens offline) and the Tibetan font. Nothing private is kept: not the staff's pages, nor any response marked private. */
"use strict";
(function () {
  const KEEP = "contentlib-keep-v1";
  const INDEX = "/__kept__";  // one entry per kept page: the files it needs and their size
  const PRIVATE = /^\/(editor|review|admin|login|logout|account|lists|workbench|translate|settings|reports|interface|lexicon|coverage\/review|drafts|api\/workflow)(\/|$)/;

  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
  const lang = document.documentElement.lang;
  if (navigator.onLine && localStorage.getItem("contentlib-offline-lang") !== lang) {
    navigator.serviceWorker.ready.then((reg) => {
      if (reg.active) reg.active.postMessage("refresh-offline-page");
      localStorage.setItem("contentlib-offline-lang", lang);
    });
  }

  function keepable(url, response) {
    const cc = (response.headers.get("Cache-Control") || "").toLowerCase();
    return url.origin === location.origin && !PRIVATE.test(url.pathname) && response.status === 200
      && !response.redirected && !/\b(private|no-store)\b/.test(cc);
  }

  function entry(path) { return INDEX + path; }

  async function fetchFresh(path, light) {
    const url = new URL(path, location.href);
    if (light) url.searchParams.set("light", "1");  // the page as a data saver sees it: light videos
    return fetch(url, { cache: "no-store", credentials: "same-origin" });
  }

  function files(doc, base) {
    const found = [];
    const add = (value) => { if (value) found.push(new URL(value, base).pathname + new URL(value, base).search); };
    doc.querySelectorAll("link[rel=stylesheet][href]").forEach((el) => {
      add(el.getAttribute("href"));
      if (/fonts\.css/.test(el.getAttribute("href"))) add(new URL("../fonts/NotoSerifTibetan.woff2", new URL(el.getAttribute("href"), base)).pathname);
    });
    doc.querySelectorAll("script[src]").forEach((el) => add(el.getAttribute("src")));
    doc.querySelectorAll("main img[src], main video source[src], main video track[src], main audio source[src]")
      .forEach((el) => add(el.getAttribute("src")));
    doc.querySelectorAll("main video[poster]").forEach((el) => add(el.getAttribute("poster")));
    doc.querySelectorAll(".work-files a[download][href], .book-cover a[download][href]")
      .forEach((el) => add(el.getAttribute("href")));
    return found;
  }

  // A kept work's books: the reader's pages (kept as a data saver sees them) and their smaller pictures,
  // as the server lists them (catalog/reader.py, Library.books_to_keep).
  async function books(work) {
    const url = new URL(work, location.href).pathname.replace(/\/$/, "") + "/keep-books.json";
    const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
    if (response.status === 404) return { pages: [], files: [] };  // not published: nothing of it is kept
    if (!response.ok) throw new Error("no books list: " + work);
    return response.json();
  }

  async function collect(path, list) {
    const pages = [path];
    const parse = async (p) => {
      const response = await fetchFresh(p, true);
      if (!keepable(new URL(response.url), response)) throw new Error("not keepable: " + p);
      return new DOMParser().parseFromString(await response.text(), "text/html");
    };
    const doc = await parse(path);
    let all = files(doc, location.href);
    const works = list ? [...new Set([...doc.querySelectorAll("ol.list-works a[href^='/works/']")]
      .map((a) => a.getAttribute("href")))] : [];
    for (const w of works) {
      pages.push(w);
      all = all.concat(files(await parse(w), location.href));
    }
    let readers = [];
    for (const w of list ? works : [path]) {
      const kept = await books(w);
      readers = readers.concat(kept.pages);
      all = all.concat(kept.files);
    }
    if (readers.length) all = all.concat(files(await parse(readers[0]), location.href));  // the reader's style and script
    return { pages: pages.concat([...new Set(readers)]), files: [...new Set(all)] };
  }

  async function store(cache, path, light, refresh) {
    if (!refresh && path.startsWith("/media/") && await cache.match(path, { ignoreVary: true })) {
      const had = await cache.match(path, { ignoreVary: true });
      return (await had.blob()).size;  // kept files are named by content: never stale
    }
    const response = await fetchFresh(path, light);
    if (!keepable(new URL(path, location.href), response) || !keepable(new URL(response.url), response)) {
      throw new Error("not keepable: " + path);
    }
    const size = (await response.clone().blob()).size;
    await cache.put(path, response);
    return size;
  }

  async function keep(path, list) {
    const cache = await caches.open(KEEP);
    const want = await collect(path, list);
    let bytes = 0;
    for (const p of want.pages) bytes += await store(cache, p, true, true);
    for (const f of want.files) bytes += await store(cache, f, false, false);
    const urls = want.pages.concat(want.files);
    await cache.put(entry(path), new Response(JSON.stringify({ urls, bytes, kept: Date.now() }),
      { headers: { "Content-Type": "application/json" } }));
    return bytes;
  }

  async function status(path) {
    const cache = await caches.open(KEEP);
    const index = await cache.match(entry(path));
    if (!index) return null;
    const facts = await index.json();
    for (const u of facts.urls) if (!await cache.match(u, { ignoreVary: true })) return null;
    return facts;
  }

  async function forget(path) {
    const cache = await caches.open(KEEP);
    const index = await cache.match(entry(path));
    if (!index) return;
    const mine = (await index.json()).urls;
    await cache.delete(entry(path));
    const others = new Set();
    for (const request of await cache.keys()) {
      const p = new URL(request.url).pathname;
      if (p.startsWith(INDEX + "/")) (await (await cache.match(request)).json()).urls.forEach((u) => others.add(u));
    }
    for (const u of mine) if (!others.has(u)) await cache.delete(u, { ignoreVary: true });
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString(document.documentElement.lang || undefined,
      { maximumFractionDigits: 1, minimumFractionDigits: 1 }) + " MB";
  }

  function control(box) {
    const path = box.dataset.keepPage;
    const list = box.dataset.keepKind === "list";
    const keepButton = box.querySelector("button.keep");
    const forgetButton = box.querySelector("button.forget");
    const say = box.querySelector(".keep-status");
    const show = (state, facts) => {
      box.dataset.offlineState = state;
      keepButton.hidden = state === "saved" || state === "saving";
      forgetButton.hidden = state !== "saved";
      const text = box.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
      say.textContent = facts ? text.replace("%(size)s", megabytes(facts.bytes)) : text;
    };
    let running = Promise.resolve();
    const run = (quiet) => {
      if (!quiet) show("saving");
      running = keep(path, list).then((bytes) => show("saved", { bytes }), () => {
        if (!quiet) show("failed"); else return status(path).then((f) => f && show("saved", f));
      });
      return running;
    };
    keepButton.addEventListener("click", () => run(false));
    forgetButton.addEventListener("click", async () => {
      forgetButton.disabled = true;
      await running;  // a refresh still under way would store it again
      await forget(path);
      forgetButton.disabled = false;
      show("none");
    });
    box.hidden = false;
    status(path).then((facts) => {
      if (!facts) return show("none");
      show("saved", facts);
      if (navigator.onLine) run(true);  // kept pages refresh when there is a connection
    });
  }

  window.contentlibKeep = { keep, forget, status, keepable: (u, r) => keepable(new URL(u, location.href), r) };
  document.querySelectorAll("[data-keep-offline]").forEach(control);
})();
