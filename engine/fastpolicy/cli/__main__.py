"""`python -m fastpolicy.cli`."""

from . import main

main()
