"""The pages' own words in the reader's language: gettext catalogues, through Jinja2's i18n
extension.

English is the language the templates are written in; every other language is one catalogue,
`locales/LANG/LC_MESSAGES/twingraph.po`, read with Babel when first needed (no compiled `.mo`
file to keep in step). Adding a language means adding its catalogue: the languages offered are
the folders there. `make messages` extracts the words to translate into `locales/twingraph.pot`
and updates each catalogue; a test checks that each catalogue translates every one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.support import Translations

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "twingraph"
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:  # noqa: N802  gettext's name for "translate later"
    """Mark a text in Python code for the catalogues; it is translated where a page shows it."""
    return message


@cache
def languages() -> tuple[str, ...]:
    """The languages pages are offered in: English, and each language with a catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(tag for tag in found if tag != SOURCE_LANGUAGE))


def page_language(wanted: Sequence[str]) -> str:
    """The language of a page for a reader who wants these (Accept-Language, best first): the
    first offered (`de-AT` takes `de`), else English."""
    offered = languages()
    for tag in wanted:
        for candidate in (tag.lower(), tag.lower().split("-")[0]):
            if candidate in offered:
                return candidate
    return SOURCE_LANGUAGE


@cache
def translations(language: str) -> Translations:
    """The catalogue of a language, read from its `.po` file (none for English: the words as written)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()  # type: ignore[return-value]
    with path.open("rb") as po:
        catalogue = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
