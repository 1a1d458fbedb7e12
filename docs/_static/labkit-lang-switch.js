/*
 * The language switcher (docs/_templates/lang-switch.html) names the same page in the other
 * language; this keeps the reader's place: the section (#anchor: both languages share the ids,
 * which come from the English source) and the query (?q= on the search page).
 */
(() => {
  const update = () => {
    document.querySelectorAll("a.labkit-lang-switch").forEach((link) => {
      const url = new URL(link.getAttribute("href"), document.baseURI);
      url.search = window.location.search;
      url.hash = window.location.hash;
      link.href = url.href;
    });
  };
  update();
  window.addEventListener("hashchange", update);
})();
