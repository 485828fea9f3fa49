"""The worklist's round trip to a field survey (현장 조사) and back.

:mod:`.package` selects the findings to check and lays them out as a GeoPackage that QField (or QGIS on
a tablet) edits directly: a check result from a fixed list, a photo, notes, the surveyor and the time,
and a manifest of what was handed out. :mod:`.merge` takes the returned packages back into the office
worklist: statuses, notes and photos are kept; a finding edited in two packages, deleted in the field
or moved is a conflict, reported and never overwritten; nothing of the office copy is lost.

A finding is known across runs and packages by its key (:func:`.keys.finding_key`: the kind of finding
and the object it is about), not by its row number, so the next linkage run can carry the statuses of
the findings that still stand.
"""
