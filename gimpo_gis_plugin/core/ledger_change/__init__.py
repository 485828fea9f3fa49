"""What changed in the tax ledger between two years' 과세기준일, object by object, with parcel lineage.

:mod:`.objects` groups ledger rows into tax objects (land of a parcel, a building, a 주택); :mod:`.change`
matches the objects of two years (directly, or through the lineage of split, merged and renumbered
parcels) and gives every ledger row of both years exactly one change class; :mod:`.areas` sums the
change of the tax base per 법정동 for the statistical map; :mod:`.findings_over_time` says which of last
year's findings were resolved, which persist and which are new.
"""
