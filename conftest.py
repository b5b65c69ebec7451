"""Collection over the whole checkout: ``threadlens/__main__.py`` runs the command when imported, so the
doctest run (``--doctest-modules``) leaves it out."""

collect_ignore = ["threadlens/__main__.py"]
