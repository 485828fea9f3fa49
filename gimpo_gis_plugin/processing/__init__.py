"""Processing provider ``gimpo`` and its algorithms: thin adapters from QGIS parameters to ``core``."""
