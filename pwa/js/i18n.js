// UI text from pwa/i18n/<lang>.json (English is the source), dates and numbers in the user's language.

export const LANGUAGES = ["en", "nl", "de"];
const TIME_ZONE = "Europe/Amsterdam";  // the company's zone (DESIGN: times shown in the company's zone)

// Formats of the countries served (24-hour clock, day before month), also for English.
const LOCALES = { en: "en-GB", nl: "nl-NL", de: "de-DE" };
let lang = "en";
let locale = LOCALES.en;
let messages = {};
let fallback = {};

/** The language to use: the user's setting, else the browser's, else English. */
export function pickLanguage(userLanguage) {
  for (const candidate of [userLanguage, ...(navigator.languages || [navigator.language])]) {
    const code = String(candidate || "").slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(code)) return code;
  }
  return "en";
}

async function load(code) {
  const response = await fetch(`/app/i18n/${code}.json`);
  if (!response.ok) throw new Error(`no catalogue ${code}`);
  return response.json();
}

/** Load the catalogue of `code` (English underneath, for any missing message). */
export async function setLanguage(code) {
  fallback = await load("en");
  messages = code === "en" ? fallback : await load(code).catch(() => fallback);
  lang = code;
  document.documentElement.lang = code;
  locale = LOCALES[code];
}

/**
 * The message `key` with {placeholders} filled in. A message may be {one, other} for plurals,
 * chosen by `params.count`.
 */
export function t(key, params = {}) {
  let message = messages[key] ?? fallback[key] ?? key;
  if (typeof message === "object") {
    const form = formatter("PluralRules", lang).select(params.count ?? 0);
    message = message[form] ?? message.other;
  }
  return message.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

const formatters = new Map();

/** An Intl formatter, made once: making one costs far more than using it, and screens format every row. */
function formatter(kind, forLocale, options = {}) {
  const key = `${kind} ${forLocale} ${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl[kind](forLocale, options);
    formatters.set(key, made);
  }
  return made;
}

function format(value, options) {
  if (!value) return "";
  return formatter("DateTimeFormat", locale, { timeZone: TIME_ZONE, ...options }).format(new Date(value));
}

export const formatTime = (value) => format(value, { hour: "2-digit", minute: "2-digit" });
export const formatDate = (value) => format(value, { weekday: "long", day: "numeric", month: "long" });
export const formatDateTime = (value) => format(value, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
/** A calendar date (YYYY-MM-DD, no time zone) in the user's language. */
export const formatDay = (isoDate) => (isoDate ? formatter("DateTimeFormat", locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`)) : "");

/** The calendar day (YYYY-MM-DD) of an instant in the company's zone. */
export function dayKey(value) {
  const parts = formatter("DateTimeFormat", "en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(value));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Hours and minutes, e.g. "1:05 h". */
export function formatMinutes(minutes) {
  const m = Math.max(0, Math.round(minutes));
  return t("duration", { h: Math.floor(m / 60), m: String(m % 60).padStart(2, "0") });
}

export function formatNumber(value) {
  return formatter("NumberFormat", locale, { maximumFractionDigits: 3 }).format(Number(value));
}
