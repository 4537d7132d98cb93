// Job page: a small, still map of the site (Leaflet, vendored and precached). For screen readers it is
// one image whose text is the address; the navigation link beside it does the real work. Tiles come
// from the server's configured tile server (GET /me: map.tile_url, map.attribution) and the service
// worker keeps the ones seen, so today's maps also show offline. Whatever fails, the page stays as it is.

import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { user } from "../session.js";

const LEAFLET = "/app/vendor/leaflet-1.9.4";
const ZOOM = 16;

let leaflet = null;

/** Load Leaflet's script and style once, on the first map (from the shell cache when offline). */
function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  leaflet ||= new Promise((resolve, reject) => {
    document.head.append(h("link", { rel: "stylesheet", href: `${LEAFLET}/leaflet.css` }));
    const script = h("script", { src: `${LEAFLET}/leaflet.js` });
    script.addEventListener("load", () => (window.L ? resolve(window.L) : reject(new Error("no Leaflet"))));
    script.addEventListener("error", () => { leaflet = null; script.remove(); reject(new Error("Leaflet did not load")); });
    document.head.append(script);
  });
  return leaflet;
}

function point(site) {
  const lat = Number(site?.latitude);
  const lng = Number(site?.longitude);
  const known = site?.latitude != null && site?.longitude != null && Number.isFinite(lat) && Number.isFinite(lng)
    && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  return known ? [lat, lng] : null;
}

function address(site) {
  return [site.street, [site.postal_code, site.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
}

/**
 * The map block of a site: {element, update(site), destroy()}. The element is kept across refreshes of
 * the job page (a new map per refresh would fetch its tiles again).
 */
export function siteMap(initial) {
  const element = h("div", { class: "site-map-block", id: "site-map-block" });
  let map = null;
  let marker = null;
  let shown = null;  // "lat,lng" on the map now

  function clear(...content) {
    map?.remove();
    map = null; marker = null;
    replace(element, ...content);
  }

  async function draw(site, at) {
    const settings = user()?.map;
    if (!settings?.tile_url) { shown = null; clear(); return; }  // maps switched off (or not known yet)
    const key = at.join(",");
    if (shown === key) return;
    shown = key;
    try {
      const L = await loadLeaflet();
      if (shown !== key) return;  // another site meanwhile
      if (map) {
        map.setView(at, ZOOM);
        marker.setLatLng(at);
        return;
      }
      const box = h("div", { class: "site-map", id: "site-map", role: "img",
        "aria-label": t("map_of", { address: address(site) }) });
      replace(element, box, settings.attribution ? h("p", { class: "map-credit" }, settings.attribution) : null);
      // Still and out of the tab order: it illustrates; panning on a phone page would fight the scrolling.
      map = L.map(box, {
        zoomControl: false, attributionControl: false, keyboard: false, dragging: false, touchZoom: false,
        scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, tapHold: false,
      }).setView(at, ZOOM);
      // CORS tiles: the service worker can see that they arrived (and keeps only real ones).
      L.tileLayer(settings.tile_url, { maxZoom: 19, crossOrigin: "anonymous" }).addTo(map);
      marker = L.marker(at, {
        interactive: false, keyboard: false, alt: "",
        icon: L.icon({
          iconUrl: `${LEAFLET}/images/marker-icon.png`, iconRetinaUrl: `${LEAFLET}/images/marker-icon-2x.png`,
          shadowUrl: `${LEAFLET}/images/marker-shadow.png`, iconSize: [25, 41], iconAnchor: [12, 41], shadowSize: [41, 41],
        }),
      }).addTo(map);
      // The box may have been laid out after Leaflet measured it.
      requestAnimationFrame(() => map?.invalidateSize());
    } catch (error) {
      console.warn("map not shown", error);
      shown = null;
      clear();
    }
  }

  function update(site) {
    const at = point(site);
    if (!at) {
      if (shown !== "none") clear(h("p", { class: "hint", id: "location-unknown" }, t("location_unknown")));
      shown = "none";
      return;
    }
    draw(site, at);
  }

  update(initial);
  return { element, update, destroy: () => clear() };
}
