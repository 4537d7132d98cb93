// The job page: who, where (with a small map), what, history, and the work sections (status, time, parts,
// photos, notes).

import { h, replace } from "../dom.js";
import { dayKey, formatDateTime, formatDay, formatTime, t } from "../i18n.js";
import * as jobs from "../jobs.js";
import { changeBanner } from "./changes.js";
import { checklistSection } from "./checklist.js";
import { backLink, section, statusChip } from "./common.js";
import { siteMap } from "./map.js";
import { notesSection } from "./notes.js";
import { partsSection } from "./parts.js";
import { photosSection } from "./photos.js";
import { statusSection, timeSection, timerSection } from "./work.js";

/** A link that opens the phone's navigation app at the site. */
export function navigationUrl(site) {
  const address = [site.street, site.postal_code, site.city, site.country].filter(Boolean).join(", ");
  const hasPoint = site.latitude != null && site.longitude != null;
  const point = `${site.latitude},${site.longitude}`;
  if (/android/i.test(navigator.userAgent)) {
    return hasPoint ? `geo:${point}?q=${point}(${encodeURIComponent(address)})` : `geo:0,0?q=${encodeURIComponent(address)}`;
  }
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(hasPoint ? point : address)}`;
}

function warranty(until) {
  if (!until) return h("span", {}, t("warranty_unknown"));
  return until >= dayKey(new Date())
    ? h("span", { class: "ok" }, t("warranty_until", { date: formatDay(until) }))
    : h("span", { class: "bad" }, t("warranty_expired", { date: formatDay(until) }));
}

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(([, value]) => value).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function header(job, change) {
  return [
    backLink("#/", t("back_to_jobs")),
    h("h1", { tabindex: "-1" }, `${job.number} `, statusChip(job.status)),
    changeBanner(change),
    h("p", {}, `${formatDateTime(job.scheduled_start)}–${formatTime(job.scheduled_end)} · ${t(`kind_${job.kind}`)}`),
  ];
}

function customer(job) {
  const c = job.customer || {};
  return section("customer", t("customer"),
    h("p", { class: "who" }, c.name || ""),
    c.phone ? h("a", { class: "button", href: `tel:${c.phone.replace(/[^+\d]/g, "")}`, id: "call-customer" }, `${t("call")} ${c.phone}`) : null);
}

function site(job, map) {
  const s = job.site || {};
  return section("site", t("address"),
    h("p", {}, s.street || "", h("br"), [s.postal_code, s.city].filter(Boolean).join(" ")),
    s.access_notes ? h("p", { class: "hint" }, s.access_notes) : null,
    map.element,
    h("a", { class: "button", href: navigationUrl(s), id: "navigate", target: "_blank", rel: "noopener" }, t("navigate")));
}

function asset(job) {
  const a = job.asset;
  return section("asset", t("asset"),
    a ? facts([
      [t("product"), a.product], [t("model"), a.model], [t("serial_number"), a.serial_number],
      [t("parts_warranty"), warranty(a.parts_warranty_until)], [t("labour_warranty"), warranty(a.labour_warranty_until)],
    ]) : h("p", {}, t("asset_unknown")));
}

function ticket(job) {
  const { subject, description, reference } = job.ticket || {};
  return section("ticket", t("problem"),
    subject ? h("h3", {}, subject) : null,
    description ? h("p", { class: "prewrap" }, description) : null,
    h("p", { class: "hint" }, reference || ""),
    job.instructions ? [h("h3", {}, t("instructions")), h("p", {}, job.instructions)] : null);
}

function history(job) {
  const visits = job.earlier_visits || [];
  return section("history", t("earlier_visits"),
    visits.length ? h("ul", { class: "items" }, visits.map((v) => h("li", {},
      h("strong", {}, formatDateTime(v.date)),
      ` ${v.number || ""} `, v.kind ? t(`kind_${v.kind}`) : "", v.summary ? h("div", {}, v.summary) : null)))
      : h("p", { class: "hint" }, t("no_earlier_visits")));
}

function signLink(job) {
  const signed = Boolean(job.signature);
  return h("section", { class: "section actions stack" },
    job.status === "completed" || job.status === "closed"
      ? h("p", { class: "ok", id: "completed-note" }, t("job_completed"))
      : h("a", { class: `button ${job.status === "on_site" ? "primary" : ""}`, href: `#/jobs/${job.id}/sign`, id: "go-sign" },
        signed ? t("complete_job") : t("sign_and_complete")));
}

/** Mount the job page for `id`; returns {refresh, destroy}. */
export async function mount(root, { id }) {
  let job = await jobs.find(id);
  if (!job) {
    replace(root, h("h1", { tabindex: "-1" }, t("job_not_here")), h("p", {}, h("a", { href: "#/" }, t("back_to_jobs"))));
    return {};
  }
  const top = h("div");
  const details = h("div");
  const footer = h("div");
  // The office's change is shown for as long as the page is open, and counts as seen from now on.
  const change = job.change;
  if (change) await jobs.markSeen(id);
  const status = statusSection(job);
  const work = [checklistSection(job), timerSection(job), timeSection(job), partsSection(job), photosSection(job),
    notesSection(job)];
  const sections = [status, ...work];
  const map = siteMap(job.site || {});  // one map for the page's life: refreshes move it, not redraw it
  const renderInfo = () => {
    replace(top, header(job, job.change?.kind === "removed" ? job.change : change));
    replace(details, customer(job), site(job, map), asset(job), ticket(job), history(job));
    replace(footer, signLink(job));
  };
  renderInfo();
  replace(root, top, status.element, details, work.map((s) => s.element), footer);
  return {
    async refresh() {
      job = await jobs.find(id);
      if (!job) return;
      renderInfo();
      map.update(job.site || {});
      for (const section of sections) section.update(job);
    },
    destroy() {
      map.destroy();
      for (const section of sections) section.destroy?.();
    },
  };
}
