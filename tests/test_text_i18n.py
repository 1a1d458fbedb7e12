"""The Markdown translator of the concept-page downloads (docs/_ext/text_i18n.py), on small texts."""

from __future__ import annotations

from text_i18n import MarkdownTranslator

TABLE = {
    "Title": "Titre",
    "A first paragraph, written on two lines with `code` and $x$.": "Un premier paragraphe, avec `code` et $x$.",
    "An item.": "Un élément.",
    "A nested item.": "Un élément imbriqué.",
    "Common mistake": "Erreur fréquente",
    "The body.": "Le corps.",
    "name": "nom",
    "value": "valeur",
    "A caption.": "Une légende.",
    "A digit": "Un chiffre",
}

ENGLISH = """---
file_format: mystnb
---

# Title

A first paragraph, written on two
lines with `code` and $x$.

- An item.
  - A nested item.

:::{admonition} Common mistake
:class: warning

The body.
:::

| name | value |
|---|---:|
| 1 | |

```{code-cell} python
:tags: [remove-cell]
# A comment that is code.
x = 1
```

$$
a = b
$$

```{figure} digit.png
:alt: A digit
:width: 100px

A caption.
```
"""

FRENCH = """---
file_format: mystnb
---

# Titre

Un premier paragraphe, avec `code` et $x$.

- Un élément.
  - Un élément imbriqué.

:::{admonition} Erreur fréquente
:class: warning

Le corps.
:::

| nom | valeur |
|---|---:|
| 1 | |

```{code-cell} python
:tags: [remove-cell]
# A comment that is code.
x = 1
```

$$
a = b
$$

```{figure} digit.png
:alt: Un chiffre
:width: 100px

Une légende.
```
"""


def test_translates_text_and_keeps_code_math_and_syntax():
    translator = MarkdownTranslator({**TABLE, "1": "1"})
    assert translator.markdown(ENGLISH) == FRENCH
    assert translator.missing == []


def test_reports_each_missing_message_and_keeps_it_in_english():
    translator = MarkdownTranslator({k: v for k, v in TABLE.items() if k != "The body."})
    french = translator.markdown(ENGLISH)
    assert translator.missing == ["The body.", "1"]  # the table cell "1" is a message too
    assert "\nThe body.\n" in french


def test_wraps_long_translations_but_never_into_a_list():
    translator = MarkdownTranslator({"Short.": "word " * 16 + "- 1"}, width=40)
    assert translator.markdown("Short.") == "word " * 16 + "- 1"  # a wrap would start a list at "- 1"
    translator = MarkdownTranslator({"Short.": "word " * 12 + "end"}, width=40)
    assert all(len(line) <= 40 for line in translator.markdown("Short.").splitlines())


def test_a_directive_without_a_rule_is_reported():
    translator = MarkdownTranslator({})
    text = "```{glossary}\nterm\n  A definition.\n```"
    assert translator.markdown(text) == text
    assert translator.missing == ["{glossary} term A definition."]
