"""Templates of the files `spbe init` writes (package data)."""
