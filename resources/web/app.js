/* Gimpo GIS published web map (gimpo:publishwebmap). Reads window.GIMPO_MAP (data/config.js) and
   window.GIMPO_DATA (data/*.js); no network request unless the viewer turns the V-World base map on. */
(function () {
  "use strict";
  var config = window.GIMPO_MAP;
  var data = window.GIMPO_DATA || {};
  var VWORLD = "https://api.vworld.kr/req/wmts/1.0.0/{key}/Base/{z}/{y}/{x}.png";
  var KEY_STORE = "gimpo.vworld.key";

  var map = new maplibregl.Map({
    container: "map",
    style: {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#f2f1ec" } }]
    },
    bounds: config.bounds || [126.5, 37.55, 126.8, 37.78],
    fitBoundsOptions: { padding: 30 },
    attributionControl: { compact: false, customAttribution: "김포시 · MapLibre" },
    canvasContextAttributes: { preserveDrawingBuffer: true }  // lets a screenshot or a print read the map
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.on("error", function (event) {
    console.error("지도 오류: " + (event && event.error ? event.error.message : event));
  });

  function styleIds(layer) {
    return layer.kind === "raster" ? [layer.id + "-raster"] : layer.layers.map(function (l) { return l.id; });
  }

  function addLayers() {
    config.layers.forEach(function (layer) {
      var payload = data[layer.id];
      if (!payload) { console.error("자료 스크립트 없음: " + layer.id); return; }
      if (layer.kind === "raster") {
        map.addSource(layer.id, { type: "image", url: payload.image, coordinates: payload.corners });
        map.addLayer({ id: layer.id + "-raster", type: "raster", source: layer.id,
                       paint: { "raster-opacity": layer.opacity || 0.85, "raster-resampling": "nearest" } });
        return;
      }
      map.addSource(layer.id, { type: "geojson", data: payload.geojson });
      layer.layers.forEach(function (spec) { map.addLayer(spec); });
      (payload.labels || []).forEach(function (item) {
        var element = document.createElement("div");
        element.className = "map-label";
        element.textContent = item[2];
        element.dataset.layer = layer.id;
        new maplibregl.Marker({ element: element }).setLngLat([item[0], item[1]]).addTo(map);
      });
      styleIds(layer).forEach(function (id) {
        map.on("click", id, function (event) { showPopup(layer, event); });
        map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
        map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
      });
    });
  }

  function showPopup(layer, event) {
    var feature = event.features && event.features[0];
    if (!feature) { return; }
    var rows = layer.fields.map(function (name) {
      var value = feature.properties[name];
      var shown = value === undefined || value === null ? "비공개" : value;
      return "<tr><th>" + escapeHtml(name) + "</th><td>" + escapeHtml(String(shown)) + "</td></tr>";
    }).join("");
    new maplibregl.Popup({ maxWidth: "320px" }).setLngLat(event.lngLat)
      .setHTML("<strong>" + escapeHtml(layer.title) + "</strong><table>" + rows + "</table>").addTo(map);
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function setVisible(layer, visible) {
    styleIds(layer).forEach(function (id) { map.setLayoutProperty(id, "visibility", visible ? "visible" : "none"); });
    document.querySelectorAll('.map-label[data-layer="' + layer.id + '"]').forEach(function (element) {
      element.style.display = visible ? "" : "none";
    });
  }

  function swatch(entry) {
    var box = document.createElement("span");
    box.className = "swatch swatch-" + entry.kind;
    if (entry.kind === "line") {
      box.style.borderTopColor = entry.colour;
    } else if (entry.outline_only) {
      box.style.borderColor = entry.outline;
    } else {
      box.style.background = entry.colour;
      if (entry.outline) { box.style.borderColor = entry.outline; }
    }
    box.dataset.colour = entry.colour;
    return box;
  }

  function buildLegend() {
    var legend = document.getElementById("legend");
    var heading = document.createElement("h2");
    heading.textContent = "범례";
    legend.appendChild(heading);
    config.layers.slice().reverse().forEach(function (layer) {
      var section = document.createElement("section");
      section.className = "legend-layer";
      section.dataset.layer = layer.id;
      var label = document.createElement("label");
      var toggle = document.createElement("input");
      toggle.type = "checkbox";
      toggle.checked = layer.visible !== false;  // the event grid starts hidden under its heat map
      toggle.addEventListener("change", function () { setVisible(layer, toggle.checked); });
      label.appendChild(toggle);
      label.appendChild(document.createTextNode(" " + layer.title));
      section.appendChild(label);
      var list = document.createElement("ul");
      layer.legend.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "legend-class" + (entry.suppressed ? " legend-suppressed" : "");
        item.appendChild(swatch(entry));
        var text = document.createElement("span");
        text.className = "legend-label";
        text.textContent = entry.label || layer.title;
        item.appendChild(text);
        list.appendChild(item);
      });
      section.appendChild(list);
      (layer.notes || []).forEach(function (note) {
        var p = document.createElement("p");
        p.className = "legend-note";
        p.textContent = note;
        section.appendChild(p);
      });
      legend.appendChild(section);
    });
    legend.appendChild(baseMapControl());
  }

  function baseMapControl() {
    var section = document.createElement("section");
    section.className = "legend-base";
    var label = document.createElement("label");
    var toggle = document.createElement("input");
    toggle.type = "checkbox";
    toggle.checked = false;
    toggle.addEventListener("change", function () {
      if (!toggle.checked) {
        if (map.getLayer("vworld")) { map.setLayoutProperty("vworld", "visibility", "none"); }
        return;
      }
      var key = window.localStorage ? localStorage.getItem(KEY_STORE) : null;
      if (!key) {
        key = window.prompt("V-World 인증키를 입력하세요 (https://www.vworld.kr → 오픈API → 인증키 발급). " +
                            "키는 이 브라우저에만 저장됩니다.");
        if (!key) { toggle.checked = false; return; }
        try { localStorage.setItem(KEY_STORE, key); } catch (e) { /* private mode: keep for this page */ }
      }
      if (!map.getSource("vworld")) {
        map.addSource("vworld", { type: "raster", tileSize: 256, maxzoom: 19,
                                  tiles: [VWORLD.replace("{key}", encodeURIComponent(key))],
                                  attribution: "© 국토교통부 V-World" });
        map.addLayer({ id: "vworld", type: "raster", source: "vworld" }, map.getStyle().layers[1] ?
                     map.getStyle().layers[1].id : undefined);
      }
      map.setLayoutProperty("vworld", "visibility", "visible");
    });
    label.appendChild(toggle);
    label.appendChild(document.createTextNode(" V-World 배경지도 (인터넷·인증키 필요)"));
    section.appendChild(label);
    return section;
  }

  buildLegend();
  map.on("load", function () {
    addLayers();
    config.layers.forEach(function (layer) { if (layer.visible === false) { setVisible(layer, false); } });
    map.once("idle", function () { document.body.dataset.ready = "1"; });
  });
})();
