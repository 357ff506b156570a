"""twingraph: town-twinning partnerships as validated, citable linked open data."""

from __future__ import annotations

__version__ = "0.1.0"
