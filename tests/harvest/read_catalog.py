"""Run inside .venv-harvest: CKAN's own DCAT parser reads a catalogue and prints the datasets as JSON.

ckanext-dcat pins clash with twingraph's, so this script runs in its own virtual environment
(made by the Makefile) and talks to the tests only through its output.
"""

import json
import os
import sys

# CKAN's licence register: its default, or the file named by TWINGRAPH_CKAN_LICENSES, set as
# the `licenses_group_url` a portal's ckan.ini would set.
if os.environ.get("TWINGRAPH_CKAN_LICENSES"):
    from ckan.common import config

    config["licenses_group_url"] = "file://" + os.environ["TWINGRAPH_CKAN_LICENSES"]

from ckanext.dcat.processors import RDFParser

parser = RDFParser(profiles=["euro_dcat_ap_3"])
with open(sys.argv[1], "rb") as stream:
    parser.parse(stream.read(), _format=sys.argv[2] if len(sys.argv) > 2 else "turtle")
json.dump(list(parser.datasets()), sys.stdout, default=str)
