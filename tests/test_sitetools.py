"""The helpers that read the built site (sitetools): what counts as prose, on a page of their own."""

from __future__ import annotations

import pytest
from sitetools import _selectors, prose_blocks

PAGE = """<html><body>
<h1>A title<a class="headerlink" href="#t">#</a></h1>
<p>Some prose with <code>code()</code> and <span class="math">x^2</span> inline.</p>
<ul><li>An item<ul><li>A nested item</li></ul></li></ul>
<p><code>only_code()</code></p>
<div class="highlight"><pre>print("code")</pre><p>in a code block</p></div>
<div class="sphx-glr-script-out"><p>What a program printed</p></div>
<aside class="footnote" id="footcite-1"><p>An entry of the bibliography</p></aside>
<aside class="footnote" id="note-1"><p>A footnote of the text</p></aside>
</body></html>"""


def test_prose_blocks_are_the_prose_each_with_its_own_text():
    found = [(tag.name, text, words) for tag, text, words in prose_blocks(PAGE)]
    assert found == [("h1", "A title", "A title"),
                     # formulas are no prose, inline code is no word
                     ("p", "Some prose with code() and inline.", "Some prose with and inline."),
                     ("li", "An item", "An item"), ("li", "A nested item", "A nested item"),
                     ("p", "only_code()", ""),  # no word of prose: may read the same in both languages
                     ("p", "A footnote of the text", "A footnote of the text")]


def test_program_outputs_are_blocks_of_their_own():
    assert [text for _, text, _ in prose_blocks(PAGE, outputs=True)] == ["What a program printed"]


@pytest.mark.parametrize("selector", ["div p", "div > p", "p:first-child", "*"])
def test_only_simple_selectors_are_understood(selector):
    with pytest.raises(ValueError, match="selector"):
        _selectors(f"p, {selector}")
