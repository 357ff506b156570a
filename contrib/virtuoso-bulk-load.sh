#!/bin/sh
# Load an N-Triples file into one named graph of Virtuoso with its bulk loader (ld_dir and
# rdf_loader_run), much faster than HTTP for a large graph such as the world's network:
#
#   twingraph export -f nt -o /srv/virtuoso/load/world.nt
#   TWINGRAPH_USER=dba TWINGRAPH_PASSWORD=… contrib/virtuoso-bulk-load.sh /srv/virtuoso/load/world.nt \
#       https://w3id.org/twingraph/id/dataset/world [127.0.0.1:1111]
#
# Run it on the database's own machine: Virtuoso reads the file itself, so its folder must be
# listed in DirsAllowed of virtuoso.ini. The graph is emptied first, then loaded; the loader is
# not atomic, so queries during the load see part of the graph (load a new graph IRI per version
# if readers must never see that). The account is the environment's TWINGRAPH_USER and
# TWINGRAPH_PASSWORD, as for `twingraph push`. isql, Virtuoso's own client, takes the password
# only on its command line: run this where other users cannot list your processes.
#
# Exit codes as twingraph's: 0 loaded, 2 could not run (bad arguments, isql failed, the loader
# reported an error for the file).
set -eu

usage="usage: $0 FILE.nt GRAPH-IRI [HOST:SQL-PORT]  (TWINGRAPH_USER and TWINGRAPH_PASSWORD in the environment)"
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "$usage" >&2; exit 2; }
file=$1
graph=$2
server=${3:-127.0.0.1:1111}
isql=${ISQL:-$(command -v isql-vt || command -v isql || true)}

fail() { echo "Error: $*" >&2; exit 2; }
[ -n "$isql" ] || fail "Virtuoso's isql (isql-vt on Debian) is not on PATH; install virtuoso-opensource-7-bin or set ISQL."
[ -f "$file" ] || fail "$file: no such file; write it with 'twingraph export -f nt -o $file'."
case $file in *.nt) ;; *) fail "$file: give an N-Triples file (.nt), as 'twingraph export -f nt' writes." ;; esac
# Values go into SQL string literals: refuse what could end one, rather than escape it.
case $file$graph in *"'"*|*"\\"*) fail "the file name and the graph IRI may not contain ' or \\." ;; esac
case $graph in
  http://*|https://*|urn:*) ;;
  *) fail "$graph is not an absolute IRI (http://, https:// or urn:)." ;;
esac
case $graph in *[[:space:]\<\>\"{}\|^\`]*) fail "$graph has characters an IRI may not hold." ;; esac
[ -n "${TWINGRAPH_USER:-}" ] && [ -n "${TWINGRAPH_PASSWORD+set}" ] || fail "set TWINGRAPH_USER and TWINGRAPH_PASSWORD."

folder=$(cd "$(dirname "$file")" && pwd)
name=$(basename "$file")
path=$folder/$name

# One isql session: forget an earlier load of this file, empty the graph, queue the file, load,
# make it durable, then report the file's state and error (NULL when it loaded).
report=$("$isql" "$server" "$TWINGRAPH_USER" "$TWINGRAPH_PASSWORD" VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF \
  "ERRORS=STDOUT" <<SQL
DELETE FROM DB.DBA.load_list WHERE ll_file = '$path';
SPARQL CLEAR GRAPH <$graph>;
ld_dir('$folder', '$name', '$graph');
rdf_loader_run();
checkpoint;
SELECT 'loaded:', ll_state FROM DB.DBA.load_list WHERE ll_file = '$path';
SELECT 'error:', ll_error FROM DB.DBA.load_list WHERE ll_file = '$path' AND ll_error IS NOT NULL;
SPARQL SELECT 'triples:', COUNT(*) FROM <$graph> WHERE { ?s ?p ?o };
SQL
) || fail "isql could not run the load on $server: $report"

case $report in *"*** Error"*) fail "Virtuoso refused the load: $(echo "$report" | grep -A2 '\*\*\* Error' | tr -s ' \n' ' ')" ;; esac
error=$(echo "$report" | sed -n 's/^error: *//p')
[ -z "$error" ] || fail "Virtuoso's loader refused $path: $error"
state=$(echo "$report" | awk '$1 == "loaded:" { print $2 }')
[ "$state" = 2 ] || fail "Virtuoso's loader did not finish $path (state ${state:-unknown}); see its log."
triples=$(echo "$report" | awk '$1 == "triples:" { print $2 }')
echo "Loaded $triples triples from $path into <$graph> at $server."
