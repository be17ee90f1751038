/* The search page: Pagefind's UI, results linked relative to wherever the site lives
   (a subfolder of any host), and the query kept in the URL (search.html?q=…) so it can be shared. */
(function () {
  "use strict";
  var offline = document.getElementById("search-offline");
  if (location.protocol === "file:" || typeof PagefindUI === "undefined") {
    offline.hidden = false;
    return;
  }
  var ui = new PagefindUI({
    element: "#search",
    baseUrl: new URL(".", location.href).pathname,
    showSubResults: true,
    showImages: false,
    // Pagefind splits a Chinese query into words and also matches each part alone (网格化 →
    // 网格 + 化); favouring matches as long as the query puts the pages holding the whole word first.
    ranking: { termSimilarity: 10.0 },
    processTerm: function (term) {
      var url = new URL(location.href);
      url.searchParams.set("q", term);
      history.replaceState(null, "", url);
      return term;
    }
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
