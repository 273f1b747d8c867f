"""Document builders; every module here registers its documents when imported."""
