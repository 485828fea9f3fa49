"""CCTV coverage (CCTV 촬영범위·사각지대): camera views with building occlusion, blind spots, new sites.

``analyse_coverage`` in :mod:`.coverage` is the entry point; :mod:`.visibility` casts the rays,
:mod:`.optics` turns height and tilt into the near blind zone, :mod:`.inputs` checks the layers and
fills the rejects table, :mod:`.blind_spots` and :mod:`.siting` answer "where is nobody watching" and
"which poles should get the next cameras".
"""
