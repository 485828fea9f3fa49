"""Extension modules that add layers to the sample city.

Each module defines ``add_layers(city: SampleCity, rng: numpy.random.Generator) -> dict[str, frame]``
and may define ``STYLES: dict[str, str]`` (layer name -> QML) for its layers. Modules run in name order
after the base city is built; an extension may use the layers of those before it.
"""
