/* The search page. The query comes from the URL (search.html?q=…). It runs on the site's own
   index, loaded as scripts so that it works the same over HTTP and from a folder (file://):
   search-data.js lists the issues; search/gNN.js map each pair of adjacent characters (a bigram)
   to the issues holding it; search/tNN.js hold the articles' text. A query's bigrams are looked
   up and intersected; the candidates' text then tells an exact phrase (listed first) from an
   issue that holds every pair but not the whole phrase. Every link is relative to this page. */
(function () {
  "use strict";
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  var started = performance.now();
  var index = null;
  var loaded = {};  // script name → Promise
  var shards = { grams: {}, texts: {} };
  input.value = query;
  if (!query) {
    return;
  }
  document.title = query + " · " + document.title;
  status.textContent = "正在搜索…";
  window.HUIKAN_SEARCH = {
    index: function (data) { index = data; },
    grams: function (k, data) { shards.grams[k] = data; },
    texts: function (k, data) { shards.texts[k] = data; }
  };
  search(query).then(show, function () {
    status.textContent = "检索索引读取失败。请重新生成文库（huikan library）后再试。";
  });

  function load(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = name;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loaded[name];
  }

  function two(k) {
    return (k < 10 ? "0" : "") + k;
  }

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  function isWord(c) {
    return /[\p{L}\p{N}]/u.test(c);
  }

  function bigrams(text) {
    var chars = Array.from(normalise(text));
    var grams = [];
    for (var i = 0; i + 1 < chars.length; i++) {
      if (isWord(chars[i]) && isWord(chars[i + 1]) && grams.indexOf(chars[i] + chars[i + 1]) < 0) {
        grams.push(chars[i] + chars[i + 1]);
      }
    }
    return grams;
  }

  function shardOf(gram, count) {  // the same hash as search.py's shard_of
    var chars = Array.from(gram);
    return (chars[0].codePointAt(0) * 31 + chars[1].codePointAt(0)) % count;
  }

  function postings(gram) {
    var coded = shards.grams[shardOf(gram, index.grams)][gram];
    var numbers = [];
    var previous = 0;
    (coded ? coded.split(",") : []).forEach(function (gap) {
      previous += parseInt(gap, 36);
      numbers.push(previous);
    });
    return numbers;
  }

  function intersect(lists) {
    return lists.reduce(function (a, b) {
      return a.filter(function (n) { return b.indexOf(n) >= 0; });
    });
  }

  /* Issue numbers that may hold the query: those holding all its bigrams; a query without one
     (a single character) looks at every issue. */
  function queryGrams(terms) {
    var grams = [];
    terms.forEach(function (term) {
      bigrams(term).forEach(function (g) { if (grams.indexOf(g) < 0) { grams.push(g); } });
    });
    return grams;
  }

  function candidates(grams) {
    var all = index.issues.map(function (_, n) { return n; });
    if (!grams.length) {
      return Promise.resolve(all);
    }
    var names = grams.map(function (g) { return "search/g" + two(shardOf(g, index.grams)) + ".js"; });
    return Promise.all(names.map(load)).then(function () {
      return intersect([all].concat(grams.map(postings)));
    });
  }

  function search(words) {
    var phrase = normalise(words).replace(/\s+/g, " ");
    var terms = phrase.split(" ");
    var grams = queryGrams(terms);
    var single = terms.filter(function (term) { return Array.from(term).length === 1; });
    var parts = grams.concat(single);  // a partial hit holds every one of them, anywhere
    return load("search-data.js").then(function () {
      return candidates(grams);
    }).then(function (numbers) {
      var names = numbers.map(function (n) { return "search/t" + two(n % index.texts) + ".js"; });
      return Promise.all(names.map(load)).then(function () {
        return numbers.map(function (n) { return match(n, phrase, parts); }).filter(Boolean);
      });
    }).then(function (found) {
      return found.filter(function (r) { return r.exact; }).concat(found.filter(function (r) { return !r.exact; }));
    });
  }

  /* One issue: its articles holding the whole phrase (exact), else those holding every part:
     each single-character term and each pair of the query, anywhere in the article. */
  function match(n, phrase, parts) {
    var issue = index.issues[n];
    var articles = shards.texts[n % index.texts][n];
    var exact = [];
    var partial = [];
    articles.forEach(function (article) {
      var text = normalise(article.text);
      var shown = text.length === article.text.length ? article.text : text;  // offsets hold
      var at = text.indexOf(phrase);
      var hit = { title: article.title, url: issue.url + "#" + article.id };
      if (at >= 0) {
        hit.excerpt = excerpt(shown, at, phrase.length);
        exact.push(hit);
      } else if (parts.length && parts.every(function (part) { return text.indexOf(part) >= 0; })) {
        hit.excerpt = excerpt(shown, text.indexOf(parts[0]), parts[0].length);
        partial.push(hit);
      }
    });
    if (!exact.length && !partial.length) {
      return null;
    }
    return { title: issue.title, url: issue.url, exact: exact.length > 0, hits: exact.length ? exact : partial };
  }

  function escape(text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }

  /* ``at`` and ``length`` count UTF-16 units of the normalised text: the excerpt is cut from the
     text as written when normalising kept its length (a Chinese text's), else from the normalised. */
  function excerpt(text, at, length) {
    var start = Math.max(0, at - 30);
    return (start ? "…" : "") + escape(text.slice(start, at)) + "<mark>" + escape(text.slice(at, at + length)) +
      "</mark>" + escape(text.slice(at + length, at + length + 50)) + "…";
  }

  function show(results) {
    status.dataset.ms = Math.round(performance.now());  // since navigation, for the search bench
    status.dataset.searchMs = Math.round(performance.now() - started);  // the search alone
    var exact = results.filter(function (result) { return result.exact; });
    if (!results.length) {
      status.textContent = "没有找到“" + query + "”。换一个词试试。";
    } else if (exact.length === results.length) {
      status.textContent = "共 " + exact.length + " 期含有“" + query + "”：";
    } else if (exact.length) {
      status.textContent = "共 " + exact.length + " 期含有“" + query + "”，另有 " + (results.length - exact.length) +
        " 期含有其中的字词（列在后面）：";
    } else {
      status.textContent = "没有找到完整的“" + query + "”，以下 " + results.length + " 期含有其中的字词：";
    }
    results.forEach(function (result) {
      var item = document.createElement("li");
      item.className = "result" + (result.exact ? "" : " partial");
      var head = document.createElement("h2");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      head.appendChild(link);
      item.appendChild(head);
      var hits = document.createElement("ul");
      result.hits.forEach(function (hit) {
        var row = document.createElement("li");
        var to = document.createElement("a");
        to.href = hit.url;
        to.className = "hit";
        to.textContent = hit.title;
        var text = document.createElement("p");
        text.innerHTML = hit.excerpt;  // escaped text with <mark> around the match
        row.appendChild(to);
        row.appendChild(text);
        hits.appendChild(row);
      });
      item.appendChild(hits);
      list.appendChild(item);
    });
  }
})();
