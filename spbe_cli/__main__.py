"""``python -m spbe_cli``."""

from spbe_cli.cli import main

if __name__ == "__main__":
    main()
