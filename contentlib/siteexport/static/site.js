/* The exported site's search and language switch; runs from file:// with no server.
   CONTENTLIB_INDEX (index.js) holds the works, the inverted index and the tables that
   read a query as the server does (contentlib/siteexport/searchindex.py). */
(function () {
  "use strict";
  var LANG_KEY = "contentlib-site-lang";

  // -- the language switch: the page's fixed words in Tibetan or Chinese -------------
  function setLang(lang) {
    document.documentElement.setAttribute("data-ui", lang);
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "bo";
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === lang));
    }
    try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* file:// storage may be off */ }
  }
  function savedLang() {
    try { return localStorage.getItem(LANG_KEY); } catch (e) { return null; }
  }

  // -- reading a query (contentlib/search/query.py's interpret, term by term) --------
  function replacer(table) {
    var keys = Object.keys(table);
    if (!keys.length) return function (s) { return s; };
    var re = new RegExp("[" + keys.map(function (k) { return k.replace(/[\]\\^-]/g, "\\$&"); }).join("") + "]", "g");
    return function (s) { return s.replace(re, function (c) { return table[c]; }); };
  }

  function Reader(tables, terms) {
    var tib = tables.tibetan;
    terms = terms || {};
    var decompose = replacer(tib.decompose), foldChars = replacer(tib.fold), digits = replacer(tib.digits);
    var orderChars = Object.keys(tib.order).join("");
    var runRe = new RegExp("[" + orderChars + "]{2,}", "g");
    var tokenRe = new RegExp(tib.token, "g");
    var tibRunRe = new RegExp(tib.run, "g");
    var latinRe = new RegExp(tables.latin, "g");
    var pinyin = {};
    tables.pinyin.forEach(function (s) { pinyin[s] = true; });

    function reorder(s) {
      return s.replace(runRe, function (run) {
        return Array.from(run).map(function (c, i) { return [tib.order[c], i, c]; })
          .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
          .map(function (x) { return x[2]; }).join("");
      });
    }
    function fold(s) {
      s = reorder(decompose(s));
      tib.doubles.forEach(function (d) { s = s.split(d[0]).join(d[1]); });
      return digits(foldChars(s));
    }
    function stripAffix(s) {
      for (var i = 0; i < tib.particles.length; i++) {
        var end = tib.particles[i];
        if (s.length > end.length && s.slice(-end.length) === end) return s.slice(0, -end.length);
      }
      var last = s.charAt(s.length - 1), before = s.charAt(s.length - 2);
      if (s.length > 2 && (last === "\u0f66" || last === "\u0f62") && tib.vowels.indexOf(before) >= 0) {
        return s.slice(0, -1);
      }
      return s;
    }
    function normalize(raw) {
      var s = stripAffix(fold(raw));
      if (Object.prototype.hasOwnProperty.call(tib.paba, s)) s = tib.paba[s];
      return s.toLowerCase();
    }
    function syllables(text) {
      var out = [], m;
      tokenRe.lastIndex = 0;
      while ((m = tokenRe.exec(text))) {
        var n = normalize(m[0]);
        if (n && n !== "\u0f7f") out.push(n);
      }
      return out;
    }
    function tibetanTiers(syl) {
      var strict = syl.length === 1 ? ["b:" + syl[0]] : [];
      for (var i = 0; i + 1 < syl.length; i++) strict.push("B:" + syl[i] + "\u0f0b" + syl[i + 1]);
      if (new Set(syl).size === 1) strict = ["b:" + syl[0]];
      var each = syl.map(function (s) { return "b:" + s; });
      return [{all: strict}, {all: each}, {any: each}];
    }
    function foldPinyin(s) {
      s = s.toLowerCase().normalize("NFD").replace(/u\u0308/g, "v").replace(/u:/g, "v");
      return s.replace(/[\u0300-\u036f]/g, "").replace(/[1-5]/g, " ").trim();
    }
    function segment(word) {  // query.py's _segment: fewest syllables first, at most 8
      var n = word.length, best = new Array(n + 1);
      best[n] = [[]];
      for (var i = n - 1; i >= 0; i--) {
        var found = [];
        for (var j = Math.min(n, i + 6); j > i; j--) {
          if (pinyin[word.slice(i, j)] && best[j]) {
            best[j].forEach(function (rest) { found.push([word.slice(i, j)].concat(rest)); });
            if (found.length >= 8) break;
          }
        }
        found.sort(function (a, b) { return a.length - b.length; });
        best[i] = found.length ? found.slice(0, 8) : null;
      }
      return best[0] || [];
    }
    function pinyinReading(latin) {
      var tokens = foldPinyin(latin).split(/[^a-z']+/).filter(function (t) { return t.replace(/'/g, ""); });
      if (!tokens.length) return [];
      var seqs = [[]];
      for (var t = 0; t < tokens.length; t++) {
        var alts = [[]];
        var parts = tokens[t].split("'").filter(Boolean);
        for (var p = 0; p < parts.length; p++) {
          var segs = segment(parts[p]);
          if (!segs.length) return [];
          var next = [];
          alts.forEach(function (a) { segs.forEach(function (s) { next.push(a.concat(s)); }); });
          alts = next.slice(0, 4);
        }
        alts.sort(function (a, b) { return a.length - b.length; });
        var grown = [];
        seqs.forEach(function (s) { alts.slice(0, 4).forEach(function (a) { grown.push(s.concat(a)); }); });
        seqs = grown.slice(0, 4);
      }
      return seqs.filter(function (s) { return s.length <= 16; });
    }
    function ewtsReading(latin) {
      var words = latin.split(/[\s\-]+/).filter(Boolean), out = [];
      for (var i = 0; i < words.length; i++) {
        var w = words[i].replace(/[\/|]+$/, "");
        var hit = tables.ewts[w] || tables.ewts[w.toLowerCase()];
        if (!hit) return null;
        out.push(hit);
      }
      return out.length ? out : null;
    }
    function latinWords(text) {
      return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .split(/[^0-9a-z]+/).filter(Boolean);
    }

    /* Each reading: [strict, loose...] tiers, each {all: terms} or {any: terms}. */
    this.read = function (q) {
      q = q.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, " ").slice(0, 500).split(/\s+/).join(" ").trim();
      var readings = [];
      var bo = (q.match(tibRunRe) || []).join(" ");
      if (bo) {
        var syl = syllables(bo);
        if (syl.length) readings.push({script: "bo", tiers: tibetanTiers(syl)});
      }
      var zh = q.replace(/[\u0f00-\u0fff]+/g, " ");
      var simple = Array.from(zh).map(function (c) { return tables.t2s[c] || c; }).join("");
      var runs = simple.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g) || [];
      if (runs.length) {
        var grams = [], chars = [];
        runs.forEach(function (run) {
          var cs = Array.from(run);
          if (cs.length === 1) grams.push("z:" + cs[0]);
          for (var i = 0; i + 1 < cs.length; i++) grams.push("z:" + cs[i] + cs[i + 1]);
          cs.forEach(function (c) { chars.push("z:" + c); });
        });
        readings.push({script: "zh", tiers: [{all: grams}, {all: chars}, {any: grams}]});
      }
      var latin = (q.match(latinRe) || []).join(" ");
      if (latin) {
        var tib = ewtsReading(latin);
        if (tib) readings.push({script: "ewts", tiers: tibetanTiers(tib)});
        pinyinReading(latin).forEach(function (seq) {
          // the index's characters read so, then their bigrams: the server's py2 pairs and py syllables
          var chars = seq.map(function (syl) { return Array.from(tables.readings[syl] || ""); });
          var pairs = [];
          for (var i = 0; i + 1 < seq.length; i++) {
            var either = [];
            chars[i].forEach(function (a) {
              chars[i + 1].forEach(function (b) { if (terms["z:" + a + b]) either.push("z:" + a + b); });
            });
            pairs.push(either);
          }
          var each = chars.map(function (cs) { return cs.map(function (c) { return "z:" + c; }); });
          readings.push({script: "pinyin", tiers: [{all: seq.length === 1 ? each : pairs}, {all: each}]});
        });
        var words = latinWords(latin);
        if (words.length) {
          var english = words.map(function (w) { return "e:" + w; });
          readings.push({script: "latin", tiers: [{all: english}, {any: english}]});
        }
      }
      return readings;
    };
    this.syllables = syllables;
    this.normalize = normalize;
  }

  // -- searching the index -----------------------------------------------------------
  var MIN_STRICT = 10;  // as the server: fewer strict matches widen to the looser tiers

  function Searcher(index) {
    var terms = index.terms;
    var reader = new Reader(index.tables, terms);

    function clause(c) {  // work number -> score of one {all}/{any} clause; an item may be a list of either terms
      var list = c.all || c.any, scores = null;
      for (var i = 0; i < list.length; i++) {
        var here = new Map(), group = Array.isArray(list[i]) ? list[i] : [list[i]];
        for (var g = 0; g < group.length; g++) {
          var postings = terms[group[g]] || [];
          for (var j = 0; j < postings.length; j++) {
            var w = postings[j] >> 1, score = (postings[j] & 1) ? 3 : 1;
            if (!(here.get(w) >= score)) here.set(w, score);
          }
        }
        if (scores === null) { scores = here; continue; }
        if (c.all) {
          var kept = new Map();
          scores.forEach(function (s, w) { if (here.has(w)) kept.set(w, s + here.get(w)); });
          scores = kept;
        } else {
          here.forEach(function (s, w) { scores.set(w, (scores.get(w) || 0) + s); });
        }
        if (c.all && !scores.size) break;
      }
      return scores || new Map();
    }

    this.search = function (q) {
      var readings = reader.read(q), found = new Map(), depth = 0;
      var most = Math.max.apply(null, readings.map(function (r) { return r.tiers.length; }).concat([0]));
      for (depth = 0; depth < most; depth++) {
        var weight = Math.pow(0.3, depth);
        readings.forEach(function (r) {
          if (!r.tiers[depth]) return;
          clause(r.tiers[depth]).forEach(function (s, w) {
            if (!found.has(w)) found.set(w, s * weight);
            else if (depth === 0) found.set(w, found.get(w) + s);
          });
        });
        if (found.size >= MIN_STRICT) break;
      }
      return Array.from(found.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; })
        .map(function (e) { return index.works[e[0]]; });
    };
    this.reader = reader;
  }

  // -- the page ---------------------------------------------------------------------------
  function titleOf(work, lang) {
    var t = work[2], order = lang === "zh" ? ["zh", "bo", "en"] : ["bo", "zh", "en"];
    for (var i = 0; i < order.length; i++) if (t[order[i]]) return [order[i], t[order[i]]];
    return ["en", work[0]];
  }

  function show(searcher, q, list, status) {
    var started = performance.now();
    var results = q.trim() ? searcher.search(q) : [];
    var lang = document.documentElement.getAttribute("data-ui") || "bo";
    list.textContent = "";
    results.slice(0, 100).forEach(function (work) {
      var li = document.createElement("li"), a = document.createElement("a"), title = titleOf(work, lang);
      a.href = work[1];
      a.lang = title[0];
      a.textContent = title[1];
      li.appendChild(a);
      list.appendChild(li);
    });
    var ms = performance.now() - started;
    list.setAttribute("data-count", String(results.length));
    list.setAttribute("data-ms", ms.toFixed(2));
    if (status) {
      status.hidden = false;
      status.querySelector("[data-count]").textContent = String(results.length);
    }
  }

  function start() {
    setLang(savedLang() === "zh" ? "zh" : (document.documentElement.getAttribute("data-ui") || "bo"));
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (ev) { setLang(ev.currentTarget.getAttribute("data-set-lang")); });
    }
    var form = document.getElementById("site-search");
    if (!form) return;
    var input = form.querySelector("input[type=search]");
    var list = document.getElementById("site-results"), status = document.getElementById("site-status");
    var searcher = null, waiting = null;
    function ready() {  // index.js has run (it loads async: the page shows and browses meanwhile)
      if (searcher || !window.CONTENTLIB_INDEX) return;
      searcher = new Searcher(window.CONTENTLIB_INDEX);
      window.contentlibSearch = searcher;  // for the bench and tests
      if (waiting !== null) show(searcher, waiting, list, status);
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (searcher) show(searcher, input.value, list, status);
      else waiting = input.value;  // answered as soon as the index is in
    });
    var asked = new URLSearchParams(location.search).get("q");
    if (asked) { input.value = asked; waiting = asked; }
    var script = document.getElementById("site-index");
    if (script) script.addEventListener("load", ready);
    ready();
  }

  if (typeof module !== "undefined" && module.exports) {  // the unit tests read queries with Node
    module.exports = {Reader: Reader, Searcher: Searcher};
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
