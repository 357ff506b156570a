"""Names in the languages a reader prefers: the order of languages, and the one SPARQL form that
asks for a label in that order.

Everything that names a place, a partnership or a concept for people (stored queries, the
summary, pictures, network files, pages) picks the first of the reader's languages (`--lang`,
or a page's Accept-Language) that has a label, then English, then German, then any, the least
text first; so nothing is left out, or shown as an IRI, for want of a label in one language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from twingraph.iris import FALLBACK_LANGUAGES, is_language_tag

MAX_LANGUAGES = 6  # a query grows by one OPTIONAL per language: an Accept-Language header cannot make it huge


def preferred_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """The languages to name things in, best first: those asked for (`de-at`, then `de`), then
    English and German; `*` (any) is what comes after them anyway. Tags that are not language
    tags are passed over."""
    asked = [part for tag in languages for part in (tag.lower(), tag.lower().split("-")[0]) if is_language_tag(part)]
    return tuple(dict.fromkeys([*asked[: MAX_LANGUAGES * 2], *FALLBACK_LANGUAGES]))[:MAX_LANGUAGES]


# A stored query names a label in the one form `SUBJECT [STEP/]rdfs:label ?name FILTER (LANG(?name) = "en")`,
# valid SPARQL on its own (English only); `with_label_fallback` makes it "the name in the
# preferred language". SUBJECT is a variable, an IRI or a prefixed name; STEP one such property.
_TERM = r"(?:\?[A-Za-z_][A-Za-z0-9_]*|<[^<>\s]*>|[A-Za-z][\w.-]*:[\w.-]*)"


def _label_idiom(variable: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<subject>{_TERM})\s+(?:(?P<step>{_TERM})\s*/\s*)?rdfs:label\s+\?{variable}\s+"
        rf'FILTER\s*\(\s*LANG\s*\(\s*\?{variable}\s*\)\s*=\s*"en"\s*\)'
    )


def has_label_idiom(query: str, variable: str) -> bool:
    """Whether the query names the label `?variable` in the form `with_label_fallback` expands."""
    return _label_idiom(variable).search(query) is not None


def with_label_fallback(query: str, variables: Sequence[str], languages: Sequence[str]) -> str:
    """The query with each named label in the first of `languages` that the resource has, else
    its smallest label in any language; never a row left out for want of a label in one language.

    Plain SPARQL 1.1 (OPTIONAL per language, then COALESCE), so that it runs on any store. The
    subject must be bound by the patterns before it in its group, or the label stand alone in an
    OPTIONAL (which the fallback then replaces).
    Each resource has at most one label per language (the shapes' uniqueLang), so no row is
    repeated; the fallback picks one label by its text, then its language tag.
    """
    for tag in languages:
        if not is_language_tag(tag.lower()):
            raise ValueError(f"not a language tag: {tag!r}")
    for variable in variables:
        match = _label_idiom(variable).search(query)
        if not match:
            continue
        start, end = match.start(), match.end()
        # `OPTIONAL { ?x rdfs:label ?name … }` alone: the fallback is optional already, and inside
        # that group ?x would be unbound (a group is evaluated on its own), so it replaces the group.
        before = _OPENS_OPTIONAL.search(query[:start])
        after = _CLOSES.match(query, end)
        if before and after and not match["step"]:
            start, end = before.start(), after.end()
        query = query[:start] + _fallback(match, variable, languages) + query[end:]
    return query


_OPENS_OPTIONAL = re.compile(r"OPTIONAL\s*\{\s*$", re.IGNORECASE)
_CLOSES = re.compile(r"\s*\}")


def _fallback(match: re.Match[str], variable: str, languages: Sequence[str]) -> str:
    node = match["subject"]
    lines = []
    if match["step"]:
        node = f"?{variable}__node"
        lines.append(f"{match['subject']} {match['step']} {node} .")
    ranked = [f"?{variable}__{rank}" for rank in range(1, len(languages) + 1)]
    for name, tag in zip(ranked, languages, strict=True):
        lines.append(f'OPTIONAL {{ {node} rdfs:label {name} FILTER (LCASE(LANG({name})) = "{tag.lower()}") }}')
    any_label, other = f"?{variable}__any", f"?{variable}__other"
    unbound = " && ".join(f"!BOUND({name})" for name in ranked) or "true"
    smaller = (
        f"STR({other}) < STR({any_label}) || (STR({other}) = STR({any_label}) && LANG({other}) < LANG({any_label}))"
    )
    lines.append(
        f"OPTIONAL {{ {node} rdfs:label {any_label} "
        f"FILTER ({unbound} && NOT EXISTS {{ {node} rdfs:label {other} FILTER ({smaller}) }}) }}"
    )
    lines.append(f"BIND (COALESCE({', '.join([*ranked, any_label])}) AS ?{variable})")
    return "\n  ".join(lines)


def pick_label(
    labels: dict[str, str], wanted: list[str], *, fallback: tuple[str, ...] = FALLBACK_LANGUAGES
) -> str | None:
    """The label in the first wanted language that has one (`de-AT` also takes `de`), else a fallback.

    `labels` maps lowercase language tags ("" for none) to text. A wildcard takes any label.
    """
    if not labels:
        return None
    for tag in wanted:
        if tag == "*":
            break
        for candidate in (tag, tag.split("-")[0]):
            if candidate in labels:
                return labels[candidate]
    for tag in fallback:
        if tag in labels:
            return labels[tag]
    # Any other: the least text, then tag, as the stored queries choose (with_label_fallback, above).
    return min(labels.items(), key=lambda item: (item[1], item[0]))[1]
