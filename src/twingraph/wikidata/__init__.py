"""Wikidata: the client, diff, link and import."""
