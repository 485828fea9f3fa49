"""Water-main break response (단수 대응): which valves to close, which pipes and buildings lose water.

:mod:`.states` reads valve states (개폐여부, 조작 가능) as the data writes them; :mod:`.inputs` takes the
water tables out of the facility store and checks them; :mod:`.graph` builds the pipe network once
(pipes split at valves and junctions, a scipy sparse graph); :mod:`.isolation` answers a break or a dig
with the shut-off plan; :mod:`.served` finds the buildings and 세대 behind the pipes; :mod:`.layers`,
:mod:`.notice` and :mod:`.styling` turn a plan into styled layers and a notice for residents.
"""
