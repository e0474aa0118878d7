/* contentlib's service worker: answers from what the visitor kept on this phone (keep.js writes it).
   It stores nothing itself but the "no connection" page; kept media is served from the phone first,
   Range requests included, so a kept video plays offline; pages come from the network when there is one. */
"use strict";
const KEEP = "contentlib-keep-v1";
const SHELL = "contentlib-shell-v1";
const OFFLINE = "/no-connection";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.add(OFFLINE)).catch(() => null)
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function kept(request) {
  const cache = await caches.open(KEEP);
  const url = new URL(request.url);
  return cache.match(url.origin + url.pathname + url.search, { ignoreVary: true });
}

async function ranged(request, response) {
  const range = request.headers.get("range");
  const found = range && /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!found) return response;
  const blob = await response.blob();
  const size = blob.size;
  let start = found[1] === "" ? Math.max(0, size - Number(found[2])) : Number(found[1]);
  let end = found[1] !== "" && found[2] !== "" ? Math.min(Number(found[2]), size - 1) : size - 1;
  if (start >= size || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: { "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes" },
  });
}

async function page(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const copy = await kept(request);
    if (copy) return copy;
    const shell = await caches.open(SHELL);
    const offline = await shell.match(OFFLINE, { ignoreVary: true });
    if (offline) return offline;
    throw error;
  }
}

async function file(request) {
  if (request.cache === "no-store" || request.cache === "reload") return fetch(request);  // keep.js refreshing
  const copy = await kept(request);
  if (copy) return ranged(request, copy);
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(request.mode === "navigate" ? page(request) : file(request));
});

self.addEventListener("message", (event) => {
  if (event.data === "refresh-offline-page") {  // the interface language changed: say "no connection" in it
    event.waitUntil(caches.open(SHELL).then((cache) => cache.add(OFFLINE)).catch(() => null));
  }
});
