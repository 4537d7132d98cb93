// The map of a pin form on the customer page: clicking the map or dragging the marker fills in the latitude
// and longitude inputs; typing in them moves the marker. Without this script (or Leaflet) the inputs still work.
(function () {
  "use strict";

  var DEFAULT_VIEW = { center: [51.5, 7.5], zoom: 5 };  // western Europe, until a pin is known

  function coordinates(latitudeInput, longitudeInput) {
    var latitude = parseFloat(latitudeInput.value.replace(",", "."));
    var longitude = parseFloat(longitudeInput.value.replace(",", "."));
    if (isNaN(latitude) || isNaN(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      return null;
    }
    return L.latLng(latitude, longitude);
  }

  function setUp(form) {
    var latitudeInput = form.querySelector("[data-pin-latitude]");
    var longitudeInput = form.querySelector("[data-pin-longitude]");
    if (!latitudeInput || !longitudeInput) {
      return;
    }
    var holder = document.createElement("div");
    holder.className = "pin-map";
    holder.style.height = "16rem";  // set here, not in a style attribute: the page policy forbids inline styles
    holder.style.marginBlock = "0.5rem";
    holder.setAttribute("aria-label", form.getAttribute("data-pin-label"));
    form.insertBefore(holder, form.querySelector("button[type=submit]"));

    var start = coordinates(latitudeInput, longitudeInput);
    var map = L.map(holder, { scrollWheelZoom: false });
    map.setView(start || DEFAULT_VIEW.center, start ? 16 : DEFAULT_VIEW.zoom);
    L.tileLayer(form.getAttribute("data-pin-map"), {
      maxZoom: 19, attribution: form.getAttribute("data-pin-attribution") || ""
    }).addTo(map);

    var marker = null;
    function fill(latLng) {
      latitudeInput.value = latLng.lat.toFixed(6);
      longitudeInput.value = latLng.lng.toFixed(6);
    }
    function place(latLng) {
      if (marker) {
        marker.setLatLng(latLng);
        return;
      }
      marker = L.marker(latLng, { draggable: true, autoPan: true, keyboard: false }).addTo(map);
      marker.on("dragend", function () { fill(marker.getLatLng()); });
    }
    if (start) {
      place(start);
    }
    map.on("click", function (event) {
      place(event.latlng);
      fill(event.latlng);
    });
    function typed() {
      var latLng = coordinates(latitudeInput, longitudeInput);
      if (latLng) {
        place(latLng);
        map.panTo(latLng);
      }
    }
    latitudeInput.addEventListener("change", typed);
    longitudeInput.addEventListener("change", typed);
    // A map drawn inside closed <details> has no size yet: redraw it when opened.
    var details = form.closest("details");
    if (details) {
      details.addEventListener("toggle", function () {
        if (details.open) {
          map.invalidateSize();
          if (marker) {
            map.setView(marker.getLatLng(), map.getZoom());
          }
        }
      });
    }
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-pin-map]"), function (form) {
      if (form.getAttribute("data-pin-map")) {
        setUp(form);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
