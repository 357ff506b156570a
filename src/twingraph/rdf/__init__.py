"""Reading and writing RDF: loading files safely into one store (and the checks they pass), where
files disagree, corrections, exports, JSON-LD and terms. Writing files safely is `outputs/`."""
