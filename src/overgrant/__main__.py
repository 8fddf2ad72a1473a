"""``python -m overgrant``."""

from overgrant.cli.main import main

if __name__ == "__main__":  # worker processes of a local Dask cluster import this module too
    main()
