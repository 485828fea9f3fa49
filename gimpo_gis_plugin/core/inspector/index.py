"""Fast lookups over the linkage output: point → parcel (STRtree), PNU → rows (precomputed positions).

A click must fill the panel within 100 ms on a 200,000-parcel city, so everything that depends on the
whole city is computed once here: the spatial index over parcel polygons and, per PNU, the positions of
its buildings, ledger rows and findings. A lookup is then a dict access and a few ``iloc`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError, MissingColumnsError

LAYERS = ("parcels_tax", "buildings_tax", "findings", "ledger_matched", "ledger_unmatched")
REQUIRED_COLUMNS = {
    "parcels_tax": ("PNU", "legal_dong_name", "lot", "jimok", "gis_area_m2"),
    "buildings_tax": ("bld_id", "pnu", "use_name", "total_floor_area", "floors_above", "floors_below"),
    "findings": ("code", "pnu", "bld_id", "label_ko", "detail", "tax_at_stake"),
    "ledger_matched": ("row_id", "year", "object_kind", "pnu", "bld_id", "taxed_area", "taxed_use", "tax"),
}


def _positions(values: pd.Series) -> dict[str, np.ndarray]:
    """value -> positions (not labels) of the rows carrying it; empty keys are dropped."""
    groups = pd.Series(np.arange(len(values)), index=values.astype(str).to_numpy()).groupby(level=0).indices
    positions = {key: np.asarray(v, dtype=np.int64) for key, v in groups.items() if key}
    return positions


@dataclass
class InspectorIndex:
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    findings: pd.DataFrame
    ledger: pd.DataFrame  # ledger_matched
    unmatched: pd.DataFrame  # ledger_unmatched (rows that named a parcel but could not be placed)
    source: str = ""

    def __post_init__(self) -> None:
        for name, frame in (
            ("parcels_tax", self.parcels),
            ("buildings_tax", self.buildings),
            ("findings", self.findings),
            ("ledger_matched", self.ledger),
        ):
            missing = [c for c in REQUIRED_COLUMNS[name] if c not in frame.columns]
            if missing:
                raise MissingColumnsError(
                    f"Layer {name!r} of {self.source or 'the linkage output'} lacks the fields {', '.join(missing)}.",
                    "Use the GeoPackage written by gimpo:linktaxledger (세금대장 연계), or run it again.",
                )
        self.parcels = self.parcels.reset_index(drop=True)
        self.parcels["PNU"] = self.parcels["PNU"].astype(str)
        self.buildings = self.buildings.reset_index(drop=True)
        for frame in (self.findings, self.ledger, self.unmatched):
            for column in ("pnu", "bld_id"):
                if column in frame:
                    frame[column] = frame[column].fillna("").astype(str)
        self._parcel_at = {pnu: int(p[0]) for pnu, p in _positions(self.parcels["PNU"]).items()}
        self._buildings_of = _positions(self.buildings["pnu"])
        self._ledger_of = _positions(self.ledger["pnu"])
        self._findings_of = _positions(self.findings["pnu"])
        self._unmatched_of = _positions(self.unmatched["pnu"]) if "pnu" in self.unmatched else {}
        geometries = self.parcels.geometry.to_numpy()
        self._tree = shapely.STRtree(geometries)
        self._geometries = geometries

    # --- construction -------------------------------------------------------------------------------
    @classmethod
    def from_layers(cls, layers: dict[str, pd.DataFrame], source: str = "") -> InspectorIndex:
        missing = [name for name in LAYERS[:4] if name not in layers]
        if missing:
            raise InputError(
                f"{source or 'The linkage output'} has no layer(s) {', '.join(missing)}.",
                "Pick the GeoPackage written by gimpo:linktaxledger.",
            )
        unmatched = layers.get("ledger_unmatched", pd.DataFrame(columns=["pnu"]))
        return cls(
            layers["parcels_tax"].copy(),
            layers["buildings_tax"].copy(),
            layers["findings"].copy(),
            layers["ledger_matched"].copy(),
            unmatched.copy(),
            source,
        )

    @classmethod
    def from_linkage(cls, result) -> InspectorIndex:
        """From a :class:`~gimpo_gis_plugin.core.tax_linkage.LinkageResult` held in memory."""
        return cls.from_layers({name: getattr(result, name) for name in LAYERS}, "the linkage result")

    @classmethod
    def from_geopackage(cls, path: str | Path) -> InspectorIndex:
        """From the GeoPackage ``gimpo:linktaxledger`` wrote (its layers keep their contract names)."""
        import pyogrio

        path = Path(path)
        if not path.is_file():
            raise InputError(f"Linkage output {path} does not exist.", "Run gimpo:linktaxledger first.")
        present = {name for name, _ in pyogrio.list_layers(path)}
        layers = {}
        for name in LAYERS:
            if name in present:
                layers[name] = gpd.read_file(path, layer=name) if name in LAYERS[:3] else _read_table(path, name)
        return cls.from_layers(layers, str(path))

    @classmethod
    def from_live(cls, parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, ledger: pd.DataFrame) -> InspectorIndex:
        """Link a parcel layer, a building layer and a ledger table now (the officer's own picks).

        The linkage keeps personal data here; the statement masks it unless the user asked to see it.
        """
        from ..tax_linkage import LinkageOptions, link_tax_ledger

        result = link_tax_ledger(parcels, buildings, ledger, LinkageOptions(show_personal_data=True))
        return cls.from_linkage(result)

    # --- lookups ------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.parcels)

    @property
    def crs(self):
        return self.parcels.crs

    def has_parcel(self, pnu: str) -> bool:
        return pnu in self._parcel_at

    def parcel_position(self, pnu: str) -> int | None:
        return self._parcel_at.get(pnu)

    def pnu_at(self, x: float, y: float) -> str | None:
        """The PNU of the parcel containing the point (in the parcels' CRS), None outside every parcel."""
        point = shapely.Point(x, y)
        hits = self._tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        # On a shared edge two parcels touch the point: take the smaller (the more specific) one.
        best = min(hits, key=lambda i: shapely.area(self._geometries[i]))
        return str(self.parcels["PNU"].iat[int(best)])

    def parcel_row(self, pnu: str) -> pd.Series | None:
        position = self._parcel_at.get(pnu)
        return None if position is None else self.parcels.iloc[position]

    def parcel_geometry(self, pnu: str):
        position = self._parcel_at.get(pnu)
        return None if position is None else self._geometries[position]

    def buildings_of(self, pnu: str) -> gpd.GeoDataFrame:
        return self.buildings.iloc[self._buildings_of.get(pnu, [])]

    def ledger_of(self, pnu: str) -> pd.DataFrame:
        return self.ledger.iloc[self._ledger_of.get(pnu, [])]

    def unmatched_of(self, pnu: str) -> pd.DataFrame:
        return self.unmatched.iloc[self._unmatched_of.get(pnu, [])]

    def findings_of(self, pnu: str) -> pd.DataFrame:
        return self.findings.iloc[self._findings_of.get(pnu, [])]

    def parcels_with_lot(self, lot: str) -> pd.DataFrame:
        """(PNU, legal_dong_name) of the parcels with this 지번, for a search by lot alone."""
        hits = self.parcels["lot"].to_numpy() == lot
        return self.parcels.loc[hits, ["PNU", "legal_dong_name"]].reset_index(drop=True)

    def neighbours(self, pnu: str, margin: float = 30.0) -> gpd.GeoDataFrame:
        """Parcels around one parcel (for the statement's small map)."""
        geometry = self.parcel_geometry(pnu)
        if geometry is None:
            return self.parcels.iloc[[]]
        hits = self._tree.query(shapely.buffer(shapely.envelope(geometry), margin))
        return self.parcels.iloc[np.sort(hits)]


def _read_table(path: Path, layer: str) -> pd.DataFrame:
    import pyogrio

    frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    return pd.DataFrame(frame)
