"""``python -m gosplan`` runs the command line."""

from gosplan.cli import main

main()
