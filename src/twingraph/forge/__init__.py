"""What a city's forge needs: the CI files `init` writes, and validation findings where reviewers look."""
