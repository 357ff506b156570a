"""`python -m twingraph` runs the CLI."""

from twingraph.cli import main

# Guarded, so that a process that imports this module (multiprocessing's spawn does) does not run the CLI.
if __name__ == "__main__":
    main()
