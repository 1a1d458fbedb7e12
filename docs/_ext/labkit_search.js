/*
 * labkit's search page.  conf.py names this file as html_search_scorer, so Sphinx pastes it into
 * language_data.js: it runs after searchtools.js and the stemmer, before searchindex.js calls
 * Search.setIndex.  It adjusts Sphinx's Search object instead of copying searchtools.js.
 *
 * 1. Accents and case do not matter: the index holds stems of folded words (labkit_search.py);
 *    the query is folded before stemming, and titles and index entries are compared folded.
 * 2. Result snippets show the page's text: no header buttons, no theme switcher, no raw TeX.
 * 3. A page whose own title holds the query comes first, above its sections; a course page
 *    (not in the gallery) above a gallery page of the same title.
 */
(() => {
  /** Lower-case and drop accents ("Rétropropagation" -> "retropropagation"), as fold() in Python. */
  const fold = (text) => text.normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase();

  /** fold(), one character at a time where that keeps the length: positions stay valid in `text`. */
  const foldKeepingPositions = (text) =>
    text.replace(/[^a-z0-9\s]/g, (c) => {
      const folded = fold(c);
      return folded.length === c.length ? folded : c;
    });

  // -- 1. Folded query, titles and index entries -------------------------------------------------
  const BaseStemmer = window.Stemmer;
  window.Stemmer = function () {
    const stemmer = new BaseStemmer();
    this.stemWord = (word) => stemmer.stemWord(fold(word));
  };

  let foldedTitles = []; // [folded title, title, [[file, id], ...]] for every title in the index
  let query = ""; // the folded query being searched
  let queryStems = []; // its stems, as searchTerms holds them

  const foldKeys = (table) => {
    const folded = {};
    for (const [key, values] of Object.entries(table))
      (folded[fold(key).trim()] ??= []).push(...values);
    return folded;
  };

  const setIndex = Search.setIndex;
  Search.setIndex = (index) => {
    foldedTitles = Object.entries(index.alltitles).map(([title, found]) => [fold(title).trim(), title, found]);
    // Sphinx compares titles raw: leave it none, titleResults() below compares them folded.
    index.alltitles = {};
    index.indexentries = foldKeys(index.indexentries);
    setIndex(index);
  };

  const performSearch = Search._performSearch;
  Search._performSearch = (rawQuery, searchTerms, ...rest) => {
    query = fold(rawQuery).trim();
    queryStems = [...searchTerms];
    return performSearch(query, searchTerms, ...rest);
  };

  /** Sphinx's title matches (searchtools.js, Search._performSearch), on folded titles. */
  const titleResults = () => {
    const { docnames, filenames, titles } = Search._index;
    const results = [];
    for (const [folded, title, found] of foldedTitles) {
      if (!folded.includes(query) || query.length < folded.length / 2) continue;
      for (const [file, id] of found) {
        const boost = titles[file] === title ? 1 : 0; // Sphinx's boost for document titles
        results.push([
          docnames[file],
          titles[file] !== title ? `${titles[file]} > ${title}` : title,
          id !== null ? "#" + id : "",
          null,
          Math.round((Scorer.title * query.length) / folded.length) + boost,
          filenames[file],
          SearchResultKind.title,
        ]);
      }
    }
    return results;
  };

  const performTermsSearch = Search.performTermsSearch;
  Search.performTermsSearch = (searchTerms, excludedTerms) =>
    performTermsSearch(searchTerms, excludedTerms).concat(titleResults());

  // -- 2. Snippets without the page's chrome -----------------------------------------------------
  const CHROME = [
    ".bd-header-article", // sidebar toggle, language switcher, download and theme buttons
    ".theme-switch-container",
    ".labkit-lang-switch",
    ".article-header-buttons",
    ".onlyprint", // the printed page's title and contents
    ".bd-sidebar-secondary", // "Contents" of the page
    ".prev-next-area",
    ".bd-footer-article",
    'script[type^="math/"]',
  ].join(",");
  // TeX source, which MathJax renders on the page: a snippet would show \( ... \). An ellipsis marks it.
  const MATH = ".math, mjx-container";

  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(CHROME).forEach((el) => el.remove());
    page.querySelectorAll(MATH).forEach((el) => el.replaceWith("…"));
    return htmlToText(page.documentElement.outerHTML, anchor);
  };

  /** Sphinx's summary (Search.makeSearchSummary), finding folded stems in folded text. */
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    // Runs of white space from the HTML's indentation would fill the 240 characters shown.
    const text = Search.htmlToText(htmlText, anchor).replace(/\s+/g, " ").trim();
    if (text === "") return null;
    const folded = foldKeepingPositions(text);
    const position = [...keywords]
      .map((k) => folded.indexOf(fold(k)))
      .filter((i) => i > -1)
      .slice(-1)[0];
    const start = Math.max((position ?? 0) - 120, 0); // Sphinx's NaN put "..." before the first word
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent =
      (start === 0 ? "" : "...") + text.substr(start, 240).trim() + (start + 240 < text.length ? "..." : "");
    return summary;
  };

  // -- 3. Pages titled by the query first --------------------------------------------------------
  const PAGE_BOOST = 200; // above any Sphinx score (an exact index entry scores 100)
  const SECTION_BOOST = 100;
  const COURSE_BOOST = 50; // the course's page before the gallery's page of the same title
  const titleStems = new Map();

  /** Whether every stem of the query starts a stem of `title`'s words. */
  const titleHolds = (title) => {
    if (!titleStems.has(title)) {
      const stemmer = new Stemmer();
      titleStems.set(title, splitQuery(title).map((w) => stemmer.stemWord(w)));
    }
    const stems = titleStems.get(title);
    return queryStems.length > 0 && queryStems.every((q) => stems.some((s) => s.startsWith(q)));
  };

  Scorer.score = (result) => {
    const [docname, title, , , score] = result;
    const pageTitle = Search._index.titles[Search._index.docnames.indexOf(docname)];
    if (pageTitle === undefined || !titleHolds(pageTitle)) return score;
    const boost = title === pageTitle ? PAGE_BOOST : SECTION_BOOST;
    return score + boost + (docname.includes("/") ? 0 : COURSE_BOOST);
  };
})();
