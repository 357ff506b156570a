"""A city's own partner list, from the form it is published in (CSV), to our data: `twingraph import csv`."""
