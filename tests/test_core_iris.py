"""Minting IRIs and showing them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twingraph.iris import compact, partnership_iri, resource_iri, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [("İzmit", "izmit"), ("Västerås", "vasteras"), ("Berlin-Mitte", "berlin-mitte"), ("Ramat Gan", "ramat-gan")],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@given(st.text(min_size=1))
def test_slugs_are_stable_and_safe(name: str) -> None:
    try:
        slug = slugify(name)
    except ValueError:
        return
    assert slugify(slug) == slug
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


def test_partnership_iri_does_not_depend_on_direction() -> None:
    assert partnership_iri("kassel", "florence") == partnership_iri("florence", "kassel")
    assert partnership_iri("kassel", "florence") == "https://w3id.org/twingraph/id/partnership/florence--kassel"


def test_resource_iri_checks_its_parts() -> None:
    assert resource_iri("city", "kassel", base_iri="https://example.org/") == "https://example.org/id/city/kassel"
    with pytest.raises(ValueError, match="unknown resource kind"):
        resource_iri("planet", "mars")
    with pytest.raises(ValueError, match="not a slug"):
        resource_iri("city", "Kassel")


def test_compact() -> None:
    assert compact("https://w3id.org/twingraph/ontology#Place") == "tw:Place"
    assert compact("http://www.wikidata.org/entity/Q2865") == "wd:Q2865"
    assert compact("https://example.org/x y") == "<https://example.org/x y>"
