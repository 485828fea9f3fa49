"""Facility store (지상/지하 시설물): schema, validating loader and analyses.

Underground networks (상수/하수/가스/전력/통신/지역난방) and the analyses on them
(excavation impact, clearance, aging) live here; above-ground furniture (CCTV,
streetlights, poles) has its own module ``above_ground``.
"""
