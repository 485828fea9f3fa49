"""Base maps under the thematic layers: V-World WMTS (vworld) and NGII 수치지형도 v2.0 deliveries (topomap)."""
