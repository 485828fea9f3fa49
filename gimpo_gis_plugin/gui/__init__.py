"""Desktop GUI: toolbar, menu, map tools and dock panels. Only this package imports qgis.gui and Qt widgets."""
