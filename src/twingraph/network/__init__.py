"""The partnership network for network tools: nodes (places) and edges (partnerships), written as
GraphML, GEXF, GeoJSON and CSV edge and node lists (`twingraph export -f graphml`, …)."""
