"""SHACL: the fast engine, validation (with pyshacl as the reference) and reports."""
