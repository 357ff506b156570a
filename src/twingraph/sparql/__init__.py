"""SPARQL: stored queries, the read-only guard, query text, result formats, remote endpoints and push."""
