"""The static site: `twingraph site` writes every resource, page and download as files, with the
web-server rules that negotiate them as `serve` does."""
