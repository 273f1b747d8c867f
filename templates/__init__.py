"""Built-in templates of spbe render (shipped as the package spbe_cli.templates)."""
