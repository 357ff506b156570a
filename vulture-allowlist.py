"""Names `make lint`'s dead-code check (vulture) cannot see used, and why.

Everything else vulture reports at 60 % confidence is dead code and goes.
"""

# click calls the command functions it is handed by decorator.
export  # noqa
query_show  # noqa
query_run  # noqa
push  # noqa
wikidata_diff  # noqa
wikidata_quickstatements  # noqa
wikidata_link  # noqa
wikidata_import  # noqa
import_csv  # noqa
reciprocity_report  # noqa
coverage_report  # noqa
licences  # noqa
# rdflib calls the store adapter with this keyword argument.
queryGraph  # noqa
# A field of the MQA indicator table: the dimension each indicator belongs to, as the MQA names it.
dimension  # noqa
# WikidataClient counts the queries it sends; the tests read it to check caching and batching.
requests  # noqa
