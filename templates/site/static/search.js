// Full-text search over search-index.js (window.PLANDOC_SEARCH, written by the build; see
// plandoc/site/search.py). A place matches when it holds every word of the query as a
// substring, after folding case and full-width forms and ignoring spaces (the plan prints
// both "2025 年" and "2025年"); hits are grouped by page, headings first, and each links
// to the paragraph, item, row or box that holds it. Results are built as DOM nodes with
// textContent only: nothing from the index is parsed as HTML. A classic script, not a
// module, so the search works from a file opened from disk too.
(function () {
  "use strict";
  var MAX_HITS = 5, CONTEXT = 36;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var index = window.PLANDOC_SEARCH;
  var root = document.documentElement.dataset.root || "";
  var folded = null;

  // One character folded: full-width forms to ASCII, then lower case (kept as it is
  // where lower-casing would change its length).
  function foldChar(c) {
    var code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0);
    var lower = c.toLowerCase();
    return lower.length === c.length ? lower : c;
  }

  // A record's text folded and without whitespace, with the offset in the original text
  // of every character kept: matches are found in `hay`, marked in the original.
  function prepare(text) {
    var hay = [], at = [];
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (c === " " || c === "\u3000" || c === "\t" || c === "\n") continue;  // the index has only " "
      hay.push(foldChar(c));
      at.push(i);
    }
    return { hay: hay.join(""), at: at };
  }

  function terms(query) {
    var seen = new Set(), out = [];
    query.split(/[\s\u3000]+/).forEach(function (t) {
      t = prepare(t).hay;
      if (t && !seen.has(t)) { seen.add(t); out.push(t); }
    });
    return out;
  }

  function count(hay, term) {
    var n = 0, at = hay.indexOf(term);
    while (at >= 0) { n += 1; at = hay.indexOf(term, at + term.length); }
    return n;
  }

  function find(words) {
    if (!folded) folded = index.records.map(function (r) { return prepare(r[3]); });
    var hits = [];
    for (var i = 0; i < folded.length; i++) {
      var hay = folded[i].hay, score = 0, all = true;
      for (var j = 0; j < words.length && all; j++) {
        var n = count(hay, words[j]);
        if (!n) all = false;
        score += n;
      }
      if (!all) continue;
      var kind = index.records[i][4];
      hits.push({ i: i, score: (kind === "h" ? 1000 : kind === "i" ? 500 : 0) + Math.min(score, 50) });
    }
    return hits;
  }

  // Never cut a surrogate pair (a character beyond the BMP) in two.
  function boundary(text, i) {
    var c = text.charCodeAt(i);
    return i > 0 && i < text.length && c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
  }

  // The stretch of text around the first match, every match of a query word marked:
  // ranges found in the folded text, mapped back to the original and merged.
  function snippet(text, prepared, words) {
    var hay = prepared.hay, at = prepared.at, ranges = [];
    words.forEach(function (w) {
      for (var i = hay.indexOf(w); i >= 0; i = hay.indexOf(w, i + 1)) {
        ranges.push([at[i], at[i + w.length - 1] + 1]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    var p = document.createElement("p"), first = merged.length ? merged[0][0] : 0;
    var start = boundary(text, Math.max(0, first - CONTEXT));
    var end = boundary(text, Math.min(text.length, first + CONTEXT * 2));
    if (start > 0) p.append("…");
    var pos = start;
    merged.forEach(function (r) {
      if (r[0] >= end || r[1] <= pos) return;
      if (r[0] > pos) p.append(text.slice(pos, r[0]));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(Math.max(r[0], pos), Math.min(r[1], end));
      p.append(mark);
      pos = Math.min(r[1], end);
    });
    if (pos < end) p.append(text.slice(pos, end));
    if (end < text.length) p.append("…");
    return p;
  }

  function render(words, hits) {
    list.replaceChildren();
    var groups = [], byPage = {};
    hits.forEach(function (h) {
      var page = index.records[h.i][0];
      if (!(page in byPage)) { byPage[page] = { page: page, best: h, hits: [] }; groups.push(byPage[page]); }
      byPage[page].hits.push(h);
    });
    groups.forEach(function (g) {
      g.hits.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
      g.best = g.hits[0];
    });
    groups.sort(function (a, b) { return b.best.score - a.best.score || a.best.i - b.best.i; });
    groups.forEach(function (g) {
      var page = index.pages[g.page], url = root + page[0];
      var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
      a.href = url;
      a.textContent = page[1];
      h.append(a);
      li.append(h);
      var ul = document.createElement("ul");
      ul.className = "hits";
      g.hits.slice(0, MAX_HITS).forEach(function (hit) {
        var r = index.records[hit.i], item = document.createElement("li"), link = document.createElement("a");
        link.href = r[1] ? url + "#" + r[1] : url;
        link.className = "hit";
        link.dataset.anchor = r[1];
        var where = document.createElement("span");
        where.className = "hit-where";
        where.textContent = r[2];
        link.append(where, snippet(r[3], folded[hit.i], words));
        item.append(link);
        ul.append(item);
      });
      li.append(ul);
      if (g.hits.length > MAX_HITS) {
        var more = document.createElement("p");
        more.className = "hit-more";
        more.textContent = "本页另有 " + (g.hits.length - MAX_HITS) + " 处";
        li.append(more);
      }
      list.append(li);
    });
  }

  function run(query) {
    var words = terms(query.trim());
    if (!words.length) { status.textContent = ""; list.replaceChildren(); return; }
    if (!index) { status.textContent = "搜索索引未能载入（search-index.js）。"; return; }
    var hits = find(words);
    render(words, hits);
    var pages = {};
    hits.forEach(function (h) { pages[index.records[h.i][0]] = true; });
    status.textContent = hits.length
      ? "“" + query.trim() + "”：" + hits.length + " 处，" + Object.keys(pages).length + " 个页面"
      : "没有找到“" + query.trim() + "”。";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value;
    if (location.protocol !== "file:") history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    run(q);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
  var top = document.getElementById("q-top");
  if (top && initial) top.value = initial;
})();
