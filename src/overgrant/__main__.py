"""``python -m overgrant``."""

from overgrant.cli.main import main

main()
