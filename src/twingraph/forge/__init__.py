"""What a city's forge needs: the CI files `init` writes, and validation findings where reviewers look."""

# The forms of a validation report a forge reads (`validate --format`), rendered by `annotations`.
ANNOTATION_FORMATS = ("github", "gitlab", "markdown")
