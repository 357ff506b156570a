"""Reading and writing RDF: loading files safely into one store, exports, JSON-LD, terms,
and writing outputs so that nothing is lost."""
