"""``python -m ancrage.linkage.bench [--only febrl|synthetic|scale]``."""

from . import main

main()
