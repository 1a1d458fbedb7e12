"""A real browser over the built site: Debian's Chromium, headless, served on 127.0.0.1.

Every page of both languages loads with no console error and no request leaving 127.0.0.1, every
image has loaded, the math is rendered by the site's own MathJax, the language switcher can be clicked and
leads to the same page in the other language, axe-core finds no serious accessibility violation in light and dark
colours, and on a phone the page does not scroll sideways and every figure's text shows at 9 px or more. Every quiz answers each question wrongly, then rightly, with
the mouse and with the keyboard, in both languages and from a file:// URL.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitetools import HTML, LANGUAGES, ROOT, pages, site_dir

from labkit.plotting import SMALLEST_TEXT_PX
from labkit_quiz import UI as QUIZ_WORDS

pytestmark = [pytest.mark.site, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Every request that would leave 127.0.0.1 goes to a proxy at a closed port and fails there: the page's
#: ``requestfailed`` event names it (``_listen``), and nothing is intercepted on its way (a route that saw each
#: request made a page visit twice as long). ``<-loopback>`` sends localhost's other names through it too.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>;127.0.0.1"]


@contextlib.contextmanager
def serving(directory):
    """An HTTP server on 127.0.0.1 for ``directory``, in a thread; yields its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output readable
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # Chromium drops connections it no longer needs (a favicon after a redirect)
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    handler = functools.partial(Quiet, directory=str(directory))
    httpd = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def server():
    with serving(HTML) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _local(url: str) -> bool:
    """Whether a request stays on this machine: the test server, or an inline or local resource."""
    return urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:", "about:", "file:"))


class Visit:
    """One tab that records console errors, page errors and requests that leave 127.0.0.1."""

    def __init__(self, browser, base: str, locale: str = "en-GB"):
        self.context = browser.new_context(locale=locale)
        self.base = base
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = self.context.new_page()
        _listen(self.page, self.errors.append, self.outside.append)

    def close(self):
        self.context.close()


IMAGES_LOADED = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  return imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
}"""

MATH_RENDERED = """async () => {
  const math = document.querySelectorAll('.math');
  if (!math.length) return {math: 0, rendered: 0, errors: 0};
  await new Promise((resolve, reject) => {
    const t0 = Date.now();
    (function wait() {
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) return MathJax.startup.promise.then(resolve);
      if (Date.now() - t0 > 15000) return reject(new Error('MathJax never started'));
      setTimeout(wait, 50);
    })();
  });
  return {math: math.length, rendered: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length,
          src: Array.from(document.scripts).map(s => s.src).filter(s => s.includes('mathjax'))};
}"""


def all_pages():
    if not all((HTML / lang / "index.html").is_file() for lang in LANGUAGES):
        # collected before `make site`: the test itself then says what to run
        return [("en", "index.html")]
    return [(lang, name) for lang in LANGUAGES for name in pages(lang)]


#: Tabs visiting pages at once: part of a visit is waiting (the network going idle, MathJax), so a few
#: tabs overlap their waits; more would only compete for the two cores.
PARALLEL_VISITS = 4


def _listen(page, report, outside) -> None:
    """Console errors, page errors and failed requests of ``page``, each said to ``report`` as one line; the
    address of a request that tried to leave 127.0.0.1 (and failed at ``ARGS``'s closed proxy), to ``outside``."""
    def failed(request) -> None:
        if _local(request.url):
            report(f"failed: {request.url} ({request.failure})")
        else:
            outside(request.url)

    page.on("console", lambda m: m.type == "error" and report(f"console: {m.text}"))
    page.on("pageerror", lambda e: report(f"pageerror: {e}"))
    page.on("requestfailed", failed)


#: The screens a page is looked at on: Playwright's default desktop, and a phone's width (an iPhone 12 to 15). The
#: visit lays the loaded page out again at the phone's width (no reload, no mobile emulation): a cheap check of
#: the page's CSS, on every page.
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
#: How much wider than the screen the page is, and the first elements, from the outside in, that reach past it
#: (what is inside a box that scrolls or clips on its own, or in a drawer off the screen, does not widen the page);
#: null when it fits.
SIDEWAYS = """() => {
  const screen = document.documentElement.clientWidth, width = document.documentElement.scrollWidth;
  if (width <= screen) return null;
  const past = [];
  (function walk(element) {
    for (const child of element.children) {
      const style = getComputedStyle(child);
      if (style.display === 'none' || style.position === 'fixed') continue;
      if (child.getBoundingClientRect().right > screen + 1) {
        past.push(child.tagName.toLowerCase() + (child.className && typeof child.className === 'string'
                  ? '.' + child.className.trim().split(/\\s+/).join('.') : ''));
        continue;
      }
      if (style.overflowX === 'visible') walk(child);
    }
  })(document.body);
  return `${width} px wide (${past.slice(0, 3).join(', ')})`;
}"""
#: The gallery's figures a reader sees (not the thumbnails, nor a figure in a closed solution): each one's file, how
#: many pixels its picture has across and how many CSS pixels it is shown in.
FIGURES_SHOWN = """() => Array.from(document.querySelectorAll('article img'))
  .filter(i => /\\/sphx_glr_[^/]*\\.png$/.test(i.src) && !/_thumb\\.png$/.test(i.src) && i.getClientRects().length)
  .map(i => ({name: decodeURIComponent(i.src.split('/').pop()), natural: i.naturalWidth,
              shown: i.getBoundingClientRect().width}))"""


@functools.cache
def figure_text() -> dict[str, tuple[float, str]]:
    """Each gallery figure's smallest text, in pixels of its picture, and that text (what the gallery's scraper
    recorded beside each example, docs/_ext/output_i18n.py: the smaller of its English and French drawings)."""
    found = {}
    for record in (ROOT / "docs" / "auto_examples").rglob("*.i18n.json"):
        for figure in json.loads(record.read_text(encoding="utf-8"))["figures"]:
            if figure.get("smallest_text_px") is not None:
                found[figure["image"]] = (figure["smallest_text_px"], figure["smallest_text"])
            else:
                found[figure["image"]] = (float("inf"), "")
    return found


def small_figure_text(figures: list[dict]) -> list[str]:
    """The figures whose smallest text shows under ``SMALLEST_TEXT_PX`` pixels, as shown (``FIGURES_SHOWN``)."""
    small = []
    for figure in figures:
        if figure["name"] not in figure_text():
            small.append(f"figure {figure['name']}: the gallery recorded no text size for it")
            continue
        pixels, text = figure_text()[figure["name"]]
        shown = pixels * figure["shown"] / figure["natural"]
        if shown < SMALLEST_TEXT_PX:
            small.append(f"figure {figure['name']}: its smallest text ({text!r}) shows at {shown:.1f} px, under "
                         f"{SMALLEST_TEXT_PX} px, {figure['shown']:.0f} px wide")
    return small


#: The language switch, once the page's script has set its address (the reader's section and query): where it
#: leads, and what that page answers and declares. The page is fetched, not loaded: its own visit loads it.
SWITCH_HREF = "document.querySelector('a.labkit-lang-switch').href"
SWITCHED_PAGE = """async (href) => {
  const response = await fetch(href, {signal: AbortSignal.timeout(20000)});
  const html = new DOMParser().parseFromString(await response.text(), 'text/html');
  return {status: response.status, ok: response.ok, lang: html.documentElement.lang};
}"""


#: How long a visit waits for the language switch to be clickable (it is at once, on a loaded page; the cores may
#: be shared with another step of make test).
SWITCH_TIMEOUT_MS = 10000


class _Tab:
    """One browser tab that visits pages one after another, each visit with its own list of problems.

    Between two visits the tab forgets the last page's storage and cookies and goes to ``about:blank``: the
    last page and its events end there (a new tab per visit, a new renderer process each time, made a visit
    1.7 times as long).
    """

    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base
        self.context = self.page = None
        self.problems: list[str] = []
        self.outside: list[str] = []

    async def open(self, url: str):
        """The tab at ``url``, loaded, with nothing recorded yet but what this page does."""
        if self.page is None:
            self.context = await self.browser.new_context(locale="en-GB", viewport=DESKTOP)
            self.page = await self.context.new_page()
            _listen(self.page, lambda line: self.problems.append(line), lambda url: self.outside.append(url))
        else:  # as a new reader: no storage, no cookie, nothing of the last page left running, a desktop's screen
            if self.page.url.startswith(self.base):
                await self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            await self.context.clear_cookies()
            await self.page.goto("about:blank")
            await self.page.set_viewport_size(DESKTOP)
            await self.page.emulate_media(color_scheme="light")
        self.problems, self.outside = [], []
        await self.page.goto(url, wait_until="load")
        return self.page

    def found(self) -> list[str]:
        """What went wrong so far in this visit (a copy: the tab goes on recording)."""
        return self.problems + [f"request outside 127.0.0.1: {url}" for url in self.outside]

    async def failed(self, error: Exception) -> list[str]:
        """What went wrong, ``error`` last; the tab's context is dropped (its page may have crashed): the next
        visit opens another."""
        found = self.found() + [f"{type(error).__name__}: {error}"]
        await self.close()
        return found

    async def close(self) -> None:
        context, self.context, self.page = self.context, None, None
        if context is not None:
            with contextlib.suppress(Exception):  # a crashed page may not close cleanly: it is gone either way
                await context.close()

    async def visit(self, language: str, name: str) -> list[str]:
        """What is wrong with one page of one language (nothing: an empty list)."""
        try:
            page = await self.open(f"{self.base}/{language}/{name}")
            broken = await page.evaluate(IMAGES_LOADED)
            if broken:
                self.problems.append(f"images that did not load: {broken}")
            math = await page.evaluate(MATH_RENDERED)
            if math["math"]:
                if math["rendered"] < math["math"]:
                    self.problems.append(f"math not rendered: {math}")
                if math["errors"]:
                    self.problems.append(f"MathJax errors: {math}")
                if not all(s.startswith(self.base) for s in math["src"]):
                    self.problems.append(f"MathJax from elsewhere: {math['src']}")
            await page.wait_for_load_state("networkidle")
            found = self.found()
            found += await self.switch(page, language, name)  # (fetching a missing page logs its 404: not counted)
            logged, left = len(self.problems), len(self.outside)
            found += await accessibility(page)
            # what the page logged, or asked of outside, while axe-core ran or in the dark colours
            found += self.problems[logged:] + [f"request outside 127.0.0.1: {url}" for url in self.outside[left:]]
            # last, as it lays the page out again: a phone's width
            await page.set_viewport_size(PHONE)
            sideways = await page.evaluate(SIDEWAYS)
            if sideways:
                found.append(f"scrolls sideways on a {PHONE['width']} px screen: {sideways}")
            found += small_figure_text(await page.evaluate(FIGURES_SHOWN))
            return found
        except Exception as error:  # a timeout or a crash of this tab: that page's test reports it
            return await self.failed(error)

    async def switch(self, page, language: str, name: str) -> list[str]:
        """What is wrong with the page's language switch: a reader can click it (Playwright's checks: visible, not
        covered, enabled), and it leads to this page in the other language, which answers and says so."""
        other = "fr" if language == "en" else "en"
        target = f"{self.base}/{other}/{name}"
        await page.locator("a.labkit-lang-switch").first.click(trial=True, timeout=SWITCH_TIMEOUT_MS)
        href = await page.evaluate(SWITCH_HREF)
        if href.split("#")[0] != target:
            return [f"the language switch goes to {href}, not {target}"]
        switched = await page.evaluate(SWITCHED_PAGE, href)
        if not switched["ok"]:
            return [f"the language switch's page answered {switched['status']}"]
        if switched["lang"] != other:
            return [f"the switched page is not in {other}"]
        return []


SEARCH_DONE = "() => (document.querySelector('#search-results .search-summary') || {}).innerText"


async def _search(tab: _Tab, language: str, query: str) -> tuple[list[str], list[str], list[str]]:
    """The result links and snippets of the search page once every snippet has arrived, and what went wrong
    (console errors, failed requests, requests leaving 127.0.0.1): nothing, an empty list."""
    try:
        page = await tab.open(f"{tab.base}/{language}/search.html?q={query}")
        await page.wait_for_function(SEARCH_DONE, timeout=20000)
        await page.wait_for_load_state("networkidle")
        links = await page.eval_on_selector_all("#search-results ul.search li > a",
                                                "els => els.map(e => e.getAttribute('href'))")
        snippets = await page.eval_on_selector_all("#search-results p.context",
                                                   "els => els.map(e => e.textContent.replace(/\\s+/g, ' '))")
        return [link.split("#")[0].split("?")[0] for link in links], snippets, tab.found()
    except Exception as error:  # a timeout or a crash of this tab: that query's tests report it
        return [], [], await tab.failed(error)


def _need_async_browser() -> None:
    pytest.importorskip("playwright.async_api")
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does it)")


def _in_tabs(base: str, wanted: list[tuple], job, tabs: int = PARALLEL_VISITS) -> dict[tuple, object]:
    """``job(tab, *key)`` for every key of ``wanted``, in order, by ``tabs`` tabs that take the next key as they
    finish, in another thread (Playwright's asynchronous API, beside the synchronous one of the other tests)."""
    import asyncio

    from playwright.async_api import async_playwright

    async def main() -> dict[tuple, object]:
        found: dict[tuple, object] = {}
        queue = list(reversed(wanted))

        async def tab(browser) -> None:
            one = _Tab(browser, base)
            try:
                while queue:
                    key = queue.pop()
                    found[key] = await job(one, *key)
            finally:
                await one.close()

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                await asyncio.gather(*(tab(browser) for _ in range(tabs)))
            finally:
                await browser.close()
        return found

    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(visits=asyncio.run(main())))
    worker.start()
    worker.join()
    if "visits" not in result:
        pytest.fail("the tabs did not run: see the thread's traceback above")
    return result["visits"]


def _visit_all(base: str, wanted: list[tuple[str, str]], tabs: int = PARALLEL_VISITS) -> dict[tuple, list[str]]:
    """What is wrong with each page of ``wanted`` (see ``_Tab.visit``)."""
    return _in_tabs(base, wanted, _Tab.visit, tabs)


@pytest.fixture(scope="module")
def page_visits(server):
    for language in LANGUAGES:
        site_dir(language)  # says what to run when the site is not built yet
    _need_async_browser()
    return _visit_all(server, all_pages())


def _page(language: str, body: str, switch_to: str) -> str:
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>t</title>'
            f'<link rel="icon" href="data:,"></head><body>'
            f'<a class="labkit-lang-switch" href="{switch_to}">switch</a>{body}</body></html>')


def test_a_visit_reports_what_is_wrong_with_a_page(tmp_path, monkeypatch):
    """The visit is not blind: on a small site of its own, each kind of defect is reported, on its page only.

    One tab visits the pages in this order, so that what a page leaves behind (its storage, an error of the
    French twin of ``error.html`` if the switch's page were run) would show on the next page, which must report
    nothing.
    """
    _need_async_browser()
    monkeypatch.setattr(sys.modules[__name__], "SWITCH_TIMEOUT_MS", 2000)  # the hidden switch: no need to wait 10 s
    pages = {
        "error.html": ("<script>console.error('boom')</script>", "../fr/error.html"),
        "good.html": ("", "../fr/good.html"),
        "stored.html": ("<script>if (localStorage.getItem('seen')) console.error('storage left over');"
                        "localStorage.setItem('seen', '1')</script>", "../fr/stored.html"),
        "outside.html": ('<img src="http://example.com/x.png" alt="x">', "../fr/outside.html"),
        "broken.html": ('<img src="missing.png" alt="x">', "../fr/broken.html"),
        "wrong.html": ("", "../fr/good.html"),
        "english.html": ("", "../fr/english.html"),
        "gone.html": ("", "../fr/gone.html"),
        "hidden.html": ("<style>.labkit-lang-switch { display: none }</style>", "../fr/hidden.html"),
        "wide.html": ('<div class="table" style="width: 600px">a wide table</div>', "../fr/wide.html"),
        # dim text in the dark colours only, the scheme followed as the site's theme follows it
        "dark.html": ("<style>html[data-theme=dark] p { color: #444; background: #222 }</style><p>dim text</p><script>"
                      "const m = matchMedia('(prefers-color-scheme: dark)'), set = () => "
                      "document.documentElement.dataset.theme = m.matches ? 'dark' : 'light'; set();"
                      "m.addEventListener('change', set); m.addEventListener('change', () => console.error('dark'))"
                      "</script>", "../fr/dark.html"),
        "figures.html": ('<style>img { max-width: 100% }</style><article><img src="sphx_glr_small_001.png" alt="a">'
                         '<img src="sphx_glr_fine_001.png" alt="b"><img src="sphx_glr_unknown_001.png" alt="c">'
                         '</article>', "../fr/figures.html"),
        "good2.html": ("", "../fr/good2.html"),
    }
    # three 1,200-pixel pictures, shown 374 px wide on the phone: text of 20 px in the picture shows at 6.2 px
    import matplotlib.pyplot as plt
    import numpy as np

    monkeypatch.setattr(sys.modules[__name__], "figure_text",
                        lambda: {"sphx_glr_small_001.png": (20.0, "tiny"), "sphx_glr_fine_001.png": (40.0, "big")})
    for language in LANGUAGES:
        (tmp_path / language).mkdir()
    for figure in ("small", "fine", "unknown"):
        plt.imsave(tmp_path / "en" / f"sphx_glr_{figure}_001.png", np.zeros((60, 1200)))
    for name, (body, switch_to) in pages.items():
        (tmp_path / "en" / name).write_text(_page("en", body, switch_to), encoding="utf-8")
        if name == "gone.html":
            continue  # its switch leads nowhere
        # the French side: "english.html" declares the wrong language; "error.html" logs an error once switched to
        late = "<script>console.error('late')</script>" if name == "error.html" else ""
        (tmp_path / "fr" / name).write_text(_page("en" if name == "english.html" else "fr", late, f"../en/{name}"),
                                            encoding="utf-8")
    with serving(tmp_path) as base:
        # the test server itself under another name: it would answer, but the page must not use it
        (tmp_path / "en" / "pixel.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
        elsewhere = base.replace("127.0.0.1", "localhost") + "/en/pixel.svg"
        loopback = _page("en", f'<img src="{elsewhere}" alt="x">', "../fr/good.html")
        (tmp_path / "en" / "loopback.html").write_text(loopback, encoding="utf-8")
        pages["loopback.html"] = ("", "")
        found = _visit_all(base, [("en", name) for name in pages], tabs=1)
        # the same page twice in one tab: the second visit must not find the first one's storage
        again = _visit_all(base, [("en", "stored.html"), ("en", "stored.html")], tabs=1)
    assert found["en", "error.html"] == ["console: boom"], found["en", "error.html"]
    assert found["en", "wide.html"] == ["scrolls sideways on a 390 px screen: 608 px wide (div.table)"]
    # an error logged once the page turned dark, after the first reading of the visit's errors, is reported too
    assert found["en", "dark.html"] == ["axe-core, dark: color-contrast (serious): p", "console: dark"], \
        found["en", "dark.html"]
    assert found["en", "figures.html"] == [
        "figure sphx_glr_small_001.png: its smallest text ('tiny') shows at 6.2 px, under 9 px, 374 px wide",
        "figure sphx_glr_unknown_001.png: the gallery recorded no text size for it"], found["en", "figures.html"]
    assert found["en", "good.html"] == [] and found["en", "good2.html"] == [] and found["en", "stored.html"] == []
    assert any("request outside 127.0.0.1: http://example.com/x.png" in p for p in found["en", "outside.html"])
    assert any(f"request outside 127.0.0.1: {elsewhere}" in p for p in found["en", "loopback.html"])
    assert any("images that did not load" in p and "missing.png" in p for p in found["en", "broken.html"])
    assert found["en", "wrong.html"] == [f"the language switch goes to {base}/fr/good.html, not {base}/fr/wrong.html"]
    assert found["en", "english.html"] == ["the switched page is not in fr"]
    assert found["en", "gone.html"] == ["the language switch's page answered 404"]
    assert len(found["en", "hidden.html"]) == 1 and "not visible" in found["en", "hidden.html"][0]
    assert again == {("en", "stored.html"): []}


@pytest.mark.parametrize("language, name", all_pages())
def test_page_in_a_real_browser(page_visits, language, name):
    """The page loads with no console error and no request leaving 127.0.0.1, its images load, its math is
    rendered by the site's own MathJax, the language switcher can be clicked and leads to the same page in the
    other language, and on a phone's 390 px the page does not scroll sideways (the visits run a few at a time,
    once, for the whole module)."""
    site_dir(language)
    assert page_visits[language, name] == []


@pytest.mark.parametrize("locale, expected", [("fr-FR", "fr"), ("en-US", "en"), ("de-DE", "en")])
def test_root_page_picks_the_readers_language(browser, server, locale, expected):
    visit = Visit(browser, server, locale=locale)
    try:
        visit.page.goto(f"{server}/index.html")
        visit.page.wait_for_url(f"{server}/{expected}/index.html")
        visit.page.wait_for_load_state("load")
        # location.replace() may cancel the rest of the root page's own load: Chromium then
        # reports that one request as aborted; that is the redirect working, not an error.
        redirected = f"failed: {server}/index.html (net::ERR_ABORTED)"
        errors = [e for e in visit.errors if e != redirected]
        assert not errors and not visit.outside, (errors, visit.outside)
    finally:
        visit.close()


def test_root_page_shows_both_languages_when_asked(browser, server):
    visit = Visit(browser, server, locale="fr-FR")
    try:
        visit.page.goto(f"{server}/index.html?choose")
        links = visit.page.eval_on_selector_all("a.lang", "els => els.map(e => e.textContent)")
        assert links == ["English", "Français"]
        assert not visit.errors and not visit.outside
    finally:
        visit.close()


# One word per language, in the reader's own language, and a page it must find. Sphinx indexes each
# language with its own stemmer: "dérivées" must find the page that says "dérivée".
SEARCHES = [("en", "backpropagation", "backprop.html"), ("en", "derivatives", "backprop.html"),
            ("fr", "rétropropagation", "backprop.html"), ("fr", "dérivées", "backprop.html"),
            ("en", "roofline", "hardware.html"), ("fr", "débruitage", "autoencoders.html"),
            ("fr", "régularisation", "regularization.html"), ("en", "over-smoothing", "graphs.html")]


@pytest.mark.parametrize("language, word, expected", SEARCHES)
def test_search_finds_the_page_in_the_readers_language(searches, language, word, expected):
    # the search waits for the whole list: results arrive one by one, the page's own last.
    found, _snippets = search(searches, language, word)
    assert expected in found, found


# -- Search: accents, ranking, snippets (docs/_ext/labkit_search.py and labkit_search.js) ----------

# Each concept page, and words of its title that a reader types: with or without accents, the
# page itself comes first (not its gallery, not the glossary, not a page that merely mentions it).
FIRST = [("fr", "rétropropagation", "backprop.html"), ("fr", "retropropagation", "backprop.html"),
         ("fr", "Rétropropagation", "backprop.html"), ("en", "backpropagation", "backprop.html"),
         ("fr", "régularisation", "regularization.html"), ("fr", "regularisation", "regularization.html"),
         ("en", "regularisation", "regularization.html"), ("en", "régularisation", "regularization.html"),
         ("en", "multi-task", "multi.html"), ("fr", "multitâche", "multi.html"), ("fr", "multitache", "multi.html"),
         ("en", "graphs", "graphs.html"), ("fr", "graphes", "graphs.html"),
         ("en", "autoencoders", "autoencoders.html"), ("fr", "auto-encodeurs", "autoencoders.html"),
         ("en", "GPUs", "hardware.html"), ("fr", "GPU", "hardware.html"),
         ("en", "automatic differentiation", "autodiff.html"),
         ("fr", "différentiation automatique", "autodiff.html"), ("fr", "differentiation", "autodiff.html")]


SNIPPETS = [("fr", "rétropropagation"), ("fr", "retropropagation"), ("en", "backpropagation"), ("en", "gradient")]


@pytest.fixture(scope="module")
def searches(server) -> dict[tuple[str, str], tuple[list[str], list[str], list[str]]]:
    """Every query of the search tests, asked once for the module, a few tabs at a time."""
    for language in LANGUAGES:
        site_dir(language)
    _need_async_browser()
    queries = sorted({(language, query) for language, query, _ in SEARCHES + FIRST} | set(SNIPPETS))
    return _in_tabs(server, queries, _search)


def search(searches, language: str, query: str) -> tuple[list[str], list[str]]:
    """The result links and snippets of one query, which went without a console error or an outside request."""
    links, snippets, problems = searches[language, query]
    assert not problems, problems
    return links, snippets


@pytest.mark.parametrize("language, query, expected", FIRST)
def test_search_puts_the_concept_page_first(searches, language, query, expected):
    found, _ = search(searches, language, query)
    assert found and found[0] == expected, found[:8]


@pytest.mark.parametrize("language, query", SNIPPETS)
def test_search_snippets_show_the_text_not_the_chrome(searches, language, query):
    _, snippets = search(searches, language, query)
    assert snippets
    chrome = ("Paramètres système", "Clair Sombre", "System settings", "Light Dark")
    for text in snippets:
        assert not any(word in text for word in chrome), text
        assert "\\(" not in text and "\\[" not in text and "$$" not in text, text
    # The snippet is cut around the query, accents or not, and shows words, not the HTML's indentation.
    first = snippets[0].lower()
    assert "propagation" in first or query in first, snippets[0]
    assert len(first) > 150, snippets[0]


def test_language_switch_keeps_the_search_query(browser, server):
    site_dir("fr")
    visit = Visit(browser, server)
    try:
        visit.page.goto(f"{server}/fr/search.html?q=rétropropagation")
        visit.page.click("a.labkit-lang-switch")
        visit.page.wait_for_load_state("load")
        assert unquote(visit.page.url) == f"{server}/en/search.html?q=rétropropagation"
        assert visit.page.input_value("#search-input, input[name='q']") == "rétropropagation"
        assert not visit.outside, visit.outside
    finally:
        visit.close()


#: axe-core, installed by the Makefile into the environment that runs the tests (``make .venv/axe/...``).
AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's run, in the page: each violation a reader would meet (serious or critical), with the first elements.
AXE_RUN = """async (rules) => {
  const result = await axe.run(document, rules ? {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']}
                                                : {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
}"""
#: The rules that read colours: the only ones whose answer can change with the colour scheme.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
#: Colours as they settle: the theme sets the reader's scheme as the page loads, and a colour still in its transition
#: would be measured half-way.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"
DARK = "() => document.documentElement.dataset.theme === 'dark'"


def _need_axe() -> None:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}): make .venv/axe/node_modules/axe-core/axe.min.js (make test does it)")


async def accessibility(page) -> list[str]:
    """The serious and critical violations axe-core finds in a loaded page, in light colours (every rule), then in the
    dark ones the site shows a reader who asks for them (the rules that read colours); the page is left dark."""
    _need_axe()
    await page.add_style_tag(content=NO_TRANSITIONS)
    await page.add_script_tag(path=str(AXE))
    found = [f"axe-core, light: {v}" for v in await page.evaluate(AXE_RUN)]
    await page.emulate_media(color_scheme="dark")
    if await page.evaluate("() => 'theme' in document.documentElement.dataset"):  # the site's pages follow it
        await page.wait_for_function(DARK, timeout=SWITCH_TIMEOUT_MS)
    return found + [f"axe-core, dark: {v}" for v in await page.evaluate(AXE_RUN, COLOUR_RULES)]


def axe_violations(browser, url: str, scheme: str, ready: str | None = None) -> list[str]:
    """The serious and critical accessibility violations axe-core finds in the page at ``url``, read in the
    ``scheme`` colours ("light" or "dark": the site follows the reader's setting)."""
    _need_axe()
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        if ready:
            page.wait_for_selector(ready, state="attached")
        page.add_style_tag(content=NO_TRANSITIONS)
        page.add_script_tag(path=str(AXE))
        return page.evaluate(AXE_RUN)
    finally:
        context.close()


def test_axe_finds_what_a_reader_would_meet(browser, tmp_path):
    """The check is not blind: a link whose only text is hidden, and a radio button whose label is only a formula
    (MathML lends no name), are reported; the same page made right, not."""
    wrong = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
             '<a href="x.html"><span style="display: none">an example</span></a>'
             '<label><input type="radio" name="q"><math><mi>x</mi></math></label></main></body></html>')
    right = wrong.replace('style="display: none"', "").replace('name="q"', 'name="q" aria-label="x"')
    (tmp_path / "wrong.html").write_text(wrong, encoding="utf-8")
    (tmp_path / "right.html").write_text(right, encoding="utf-8")
    with serving(tmp_path) as base:
        found = axe_violations(browser, f"{base}/wrong.html", "light")
        assert [v.split(" ")[0] for v in found] == ["label", "link-name"], found
        assert axe_violations(browser, f"{base}/right.html", "light") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_terms_highlighted_in_dark_colours_are_readable(browser, server, language):
    """A page opened from a search highlights the terms searched for: in dark colours they had a 2.06:1 contrast
    (every page's visit runs axe-core, light and dark, but none comes from a search)."""
    site_dir(language)
    url = f"{server}/{language}/backprop.html?highlight=gradient"
    assert axe_violations(browser, url, "dark", ready="span.highlighted") == []


#: What a reader sees as a search box: the theme's buttons (its field and its icon), a search form's input; not
#: the closed search dialog that either button opens.
SEARCH_BOXES = """() => Array.from(document.querySelectorAll('.search-button__button, input[type="search"], input[name="q"]'))
  .filter(e => !e.closest('dialog:not([open])') && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language, name", [("fr", "backprop.html"), ("en", "search.html"), ("fr", "search.html")])
def test_one_search_box(browser, server, screen, language, name):
    """One search box a page, on a desktop and on a phone: the sidebar's field on a wide screen, the header's button
    on a narrow one, the search page's own form on that page (which showed three)."""
    site_dir(language)
    visit = Visit(browser, server)
    try:
        visit.page.set_viewport_size(screen)
        visit.page.goto(f"{server}/{language}/{name}", wait_until="load")
        boxes = visit.page.evaluate(SEARCH_BOXES)
        assert len(boxes) == 1, boxes
        assert not visit.errors and not visit.outside, (visit.errors, visit.outside)
    finally:
        visit.close()


@pytest.mark.parametrize("language, name", [("fr", "backprop.html"), ("en", "regularization.html"),
                                            ("fr", "auto_examples/02_graphs/plot_over_smoothing.html")])
def test_language_switch_keeps_the_section(browser, server, language, name):
    site_dir(language)
    other = "en" if language == "fr" else "fr"
    visit = Visit(browser, server)
    try:
        page = visit.page
        page.goto(f"{server}/{language}/{name}")
        section = page.eval_on_selector_all("article section[id]", "els => els.map(e => e.id)")[-1]
        page.goto(f"{server}/{language}/{name}#{section}")
        page.click("a.labkit-lang-switch")
        page.wait_for_load_state("load")
        assert page.url == f"{server}/{other}/{name}#{section}"
        assert page.evaluate(f"!!document.getElementById({section!r})")
        assert not visit.errors and not visit.outside, (visit.errors, visit.outside)
    finally:
        visit.close()
OUTPUT_HEADINGS = """() => Array.from(document.querySelectorAll('.sphx-glr-script-out'))
  .map(el => getComputedStyle(el, '::before').content)"""


@pytest.mark.parametrize("language, expected", [("en", '"Out:"'), ("fr", '"Sortie\u00a0:"')])
def test_gallery_outputs_are_headed_in_the_pages_language(browser, server, language, expected):
    """sphinx-gallery heads each output with CSS-generated text, out of the catalogs' reach (labkit.css)."""
    visit = Visit(browser, server)
    try:
        visit.page.goto(f"{server}/{language}/auto_examples/06_backprop/plot_gradient_check.html")
        headings = visit.page.evaluate(OUTPUT_HEADINGS)
    finally:
        visit.close()
    assert headings and set(headings) == {expected}, headings
    assert not visit.outside, visit.outside


# -- Self-check quizzes (docs/_ext/labkit_quiz.py, docs/_static/labkit-quiz.js) ----------------------

def quiz_pages() -> list[tuple[str, str]]:
    """Every page of both languages with a quiz (``backprop.html`` before the site is built)."""
    if not all((HTML / lang / "index.html").is_file() for lang in LANGUAGES):
        return [("en", "backprop.html")]
    return [(lang, name) for lang in LANGUAGES for name in pages(lang)
            if 'class="labkit-quiz"' in (HTML / lang / name).read_text(encoding="utf-8")]


def choose(page, question, value: str, keyboard: bool) -> None:
    """Choose option ``value`` of ``question``: a click on its label, or the keyboard (focus, Space)."""
    if keyboard:
        question.locator(f"input.labkit-quiz-input[value='{value}']").focus()
        page.keyboard.press("Space")
    else:
        question.locator(f"label.labkit-quiz-label:has(input[value='{value}'])").click()


def check_feedback(question, value: str, verdict: str, words: dict[str, str]) -> None:
    """Option ``value`` is chosen and its feedback, alone of the question's, is shown with ``verdict``."""
    assert question.locator(f"input.labkit-quiz-input[value='{value}']").is_checked()
    option = question.locator(".labkit-quiz-option").nth(int(value) - 1)
    feedback = option.locator(".labkit-quiz-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    assert feedback.get_attribute("data-verdict") == verdict
    assert option.locator(".labkit-quiz-feedback-body").is_visible()
    assert question.locator(".labkit-quiz-feedback-body:visible").count() == 1
    # Marked in words, in the page's language, not by its colour alone.
    text = feedback.inner_text().strip()
    assert text.startswith(words[verdict]) and len(text) > len(words[verdict]) + 10, text
    assert question.get_attribute("data-state") == verdict


def answer_every_question(page, language: str) -> int:
    """Answer each question wrongly, then rightly, checking the feedback; the number of questions.

    The first question of each quiz is answered with the keyboard: focus and Space for the wrong option,
    then the arrow keys (which move the choice within the group) to the right one.
    """
    words = QUIZ_WORDS[language]
    quizzes = page.locator("div.labkit-quiz")
    assert quizzes.count(), "no quiz on the page"
    assert page.locator(".labkit-quiz-feedback-body:visible").count() == 0, "feedback shown before any choice"
    total = 0
    for k in range(quizzes.count()):
        quiz = quizzes.nth(k)
        questions = quiz.locator("fieldset.labkit-quiz-question")
        count = questions.count()
        score = quiz.locator(".labkit-quiz-score")
        assert score.is_hidden()  # nothing answered yet
        for q in range(count):
            question = questions.nth(q)
            answer = question.get_attribute("data-answer")
            values = question.locator("input.labkit-quiz-input").evaluate_all("els => els.map(e => e.value)")
            assert answer in values and len(values) >= 2, (answer, values)
            wrong = next(v for v in values if v != answer)
            choose(page, question, wrong, keyboard=q == 0)
            check_feedback(question, wrong, "wrong", words)
            assert score.inner_text().strip() == words["score"].format(right=q, total=count)
            if q == 0:
                for _ in range((values.index(answer) - values.index(wrong)) % len(values)):
                    page.keyboard.press("ArrowDown")
            else:
                choose(page, question, answer, keyboard=False)
            check_feedback(question, answer, "right", words)
            assert score.inner_text().strip() == words["score"].format(right=q + 1, total=count)
        total += count
    return total


@pytest.mark.parametrize("language, name", quiz_pages())
def test_quiz_answered_wrongly_then_rightly(browser, server, language, name):
    site_dir(language)
    visit = Visit(browser, server)
    try:
        visit.page.goto(f"{server}/{language}/{name}", wait_until="load")
        assert answer_every_question(visit.page, language) >= 5
        assert not visit.errors, visit.errors
        assert not visit.outside, visit.outside
    finally:
        visit.close()


def test_pages_with_quizzes_include_the_pilot():
    site_dir("en"), site_dir("fr")
    assert ("en", "backprop.html") in quiz_pages() and ("fr", "backprop.html") in quiz_pages()


def test_quiz_works_from_a_file_url(browser):
    """Opened from the disk, with no server: the script and style sheet are local files."""
    site_dir("en")
    name = next(name for language, name in quiz_pages() if language == "en")
    visit = Visit(browser, "")
    try:
        visit.page.goto((HTML / "en" / name).as_uri(), wait_until="load")
        assert visit.page.url.startswith("file://")
        assert answer_every_question(visit.page, "en") >= 5
        quiz_errors = [e for e in visit.errors if "quiz" in e]
        assert not quiz_errors and not visit.outside, (quiz_errors, visit.outside)
    finally:
        visit.close()


def test_quiz_feedback_is_readable_without_javascript(browser, server):
    language, name = quiz_pages()[0]
    site_dir(language)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/{language}/{name}", wait_until="load")
        bodies = page.locator(".labkit-quiz-feedback-body")
        assert bodies.count() >= 10
        assert page.locator(".labkit-quiz-feedback-body:visible").count() == bodies.count()
        assert page.locator(".labkit-quiz-score").is_hidden()
    finally:
        context.close()


#: The start of each solution's first run of words (no formula, no code in it), as a reader sees it: what the paper
#: must show.
SOLUTION_WORDS = """() => Array.from(document.querySelectorAll('details.labkit-solution .sd-summary-content')).map(d => {
  const walker = document.createTreeWalker(d, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.math, mjx-container, code, pre')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text.length >= 30) return text.slice(0, 30);
  }
  return null;
}).filter(Boolean)"""
PRINTING = """() => {
  const open = () => document.querySelectorAll('details.labkit-solution[open]').length;
  window.dispatchEvent(new Event('beforeprint'));
  const during = open();
  window.dispatchEvent(new Event('afterprint'));
  return {during, after: open()};
}"""
FIGURES_BREAK = """() => Array.from(document.querySelectorAll('article img'))
  .filter(i => getComputedStyle(i).breakInside !== 'avoid').map(i => i.getAttribute('src'))"""


def _printed_solutions(page) -> tuple[int, int]:
    """How many of the page's solutions its printed copy (Chromium's PDF of it) shows, out of how many."""
    import subprocess

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (the Makefile's TEXLIVE list)")
    starts = page.evaluate(SOLUTION_WORDS)
    printed = subprocess.run([pdftotext, "-", "-"], input=page.pdf(format="A4"), capture_output=True, check=True)
    text = " ".join(printed.stdout.decode().split())
    return sum(start in text for start in starts), len(starts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_printed_page_shows_its_solutions_and_keeps_figures_whole(browser, server, language):
    """On paper every solution is open (the page folds them) and no figure is cut across two pages; without the
    site's print rules (its stylesheet and script blocked), no solution would be printed."""
    site_dir(language)
    url = f"{server}/{language}/multi.html"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        shown, solutions = _printed_solutions(page)
        assert solutions >= 4 and shown == solutions, (shown, solutions)
        # the script, for browsers that print a closed dropdown as its title whatever the CSS: open for the print,
        # closed again after it
        assert page.evaluate(PRINTING) == {"during": solutions, "after": 0}
        page.emulate_media(media="print")
        assert page.evaluate(FIGURES_BREAK) == []
        bare = context.new_page()
        bare.route(lambda url: urlsplit(url).path.endswith(("/labkit.css", "/labkit-print.js")),
                   lambda route: route.abort())
        bare.goto(url, wait_until="load")
        assert _printed_solutions(bare) == (0, solutions)
    finally:
        context.close()
