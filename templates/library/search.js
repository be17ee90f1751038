/* The search page. The query comes from the URL (search.html?q=…). Over HTTP it runs on Pagefind's
   static index; from a folder (file://), where browsers refuse to fetch an index, on the plain text
   of search-data.js. Pages holding the whole query come first: Pagefind splits a Chinese query into
   words and also matches each part alone (网格化 → 网格 + 化). Every link is relative to this page. */
(function () {
  "use strict";
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  input.value = query;
  if (!query) {
    return;
  }
  document.title = query + " · " + document.title;
  status.textContent = "正在搜索…";
  var run = location.protocol === "file:" ? searchText : searchPagefind;
  run(query).then(show, function () {
    status.textContent = "检索索引读取失败。请通过网站地址访问本文库后再试。";
  });

  function compact(text) {
    return text.replace(/\s+/g, "").toLowerCase();
  }

  function holds(html, words) {
    return compact(html.replace(/<[^>]*>/g, "")).indexOf(words) >= 0;
  }

  function searchPagefind(words) {
    var here = new URL(".", location.href);
    return import(new URL("pagefind/pagefind.js", here).href).then(function (pagefind) {
      return pagefind.options({ baseUrl: here.pathname, ranking: { termSimilarity: 10.0 } })
        .then(function () { return pagefind.search(words); });
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 50).map(function (result) { return result.data(); }));
    }).then(function (pages) {
      var whole = compact(words);
      return pages.map(function (page) {
        var exact = compact(page.content).indexOf(whole) >= 0;
        var hits = page.sub_results.map(function (sub) {
          return { title: sub.title, url: sub.url, excerpt: sub.excerpt, exact: holds(sub.excerpt, whole) };
        });
        var best = hits.filter(function (hit) { return hit.exact; });
        return { title: page.meta.title, url: page.url, exact: exact, hits: exact && best.length ? best : hits.slice(0, 3) };
      });
    });
  }

  function searchText(words) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = "search-data.js";
      script.onload = function () { resolve(matchText(window.HUIKAN_TEXT || [], compact(words))); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function matchText(issues, whole) {
    var found = [];
    issues.forEach(function (issue) {
      var hits = [];
      issue.articles.forEach(function (article) {
        var at = article.text.toLowerCase().indexOf(whole);
        if (at >= 0) {
          hits.push({ title: article.title, url: issue.url + "#" + article.id, excerpt: excerpt(article.text, at, whole.length) });
        }
      });
      if (hits.length) {
        found.push({ title: issue.title, url: issue.url, exact: true, hits: hits });
      }
    });
    return found;
  }

  function escape(text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }

  function excerpt(text, at, length) {
    var start = Math.max(0, at - 30);
    return (start ? "…" : "") + escape(text.slice(start, at)) + "<mark>" + escape(text.slice(at, at + length)) +
      "</mark>" + escape(text.slice(at + length, at + length + 50)) + "…";
  }

  function show(results) {
    var exact = results.filter(function (result) { return result.exact; });
    var shown = exact.length ? exact : results;
    if (!shown.length) {
      status.textContent = "没有找到“" + query + "”。换一个词试试。";
    } else if (exact.length) {
      status.textContent = "共 " + exact.length + " 期含有“" + query + "”：";
    } else {
      status.textContent = "没有找到完整的“" + query + "”，以下 " + shown.length + " 期含有其中的字词：";
    }
    shown.forEach(function (result) {
      var item = document.createElement("li");
      item.className = "result";
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
