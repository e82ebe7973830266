// JAQE site kit: the cookie banner (policy section 6) and the forms, against the /v1 API.
// One ES module, no dependency, no inline handler: it works under a strict Content-Security-Policy.

// Third-party tags and the first-party cookies they set, per purpose: the cookie register
// (jaqe/privacy/trackers.py, written to trackers.js by `make site`).
import { TRACKERS } from "./trackers.js";

// jaqe.platform.controller.POLICY_VERSION: a change asks every visitor again (tests/unit/test_site_kit.py checks it).
const POLICY_VERSION = "2023-09";
// Where the API lives: `<meta name="jaqe-api" content="https://api.jaqe.fr">`, else this origin.
const API = document.querySelector('meta[name="jaqe-api"]')?.content ?? "";
// Global Privacy Control: the browser refuses, for its user, the sale or sharing of their data for
// targeting. Advertising is then refused without asking; the visitor may still tick it in "Personnaliser".
const GPC = navigator.globalPrivacyControl === true;
// Technical storage, exempt from consent (C6-01): the visitor id and the choice, nothing else.
const STORAGE_KEY = "jaqe.cookies";
// jaqe.cookies.BANNER_WORDING: the server keeps its hash as the proof of what was shown.
const BANNER_WORDING =
  "Nous utilisons des cookies de mesure d'audience et des cookies publicitaires, déposés par Google, " +
  "Meta, Microsoft, Hubspot et Cloudflare, uniquement avec votre accord.";

const BANNER = `
<h2 id="consent-title">Vos choix en matière de cookies</h2>
<p id="consent-text">${BANNER_WORDING} Les cookies techniques, nécessaires au site, n'ont pas besoin de votre
accord. Vous pouvez changer d'avis à tout moment avec le lien « Gérer mes cookies » en bas de page.
<a href="politique-de-confidentialite.html#cookies">En savoir plus</a></p>
<p id="consent-gpc" hidden>Votre navigateur transmet le signal GPC : la publicité ciblée est refusée.</p>
<p id="consent-visitor" hidden>Votre identifiant de visiteur : <code></code>. Indiquez-le dans une demande
« Mes données » pour retirer votre consentement par écrit.</p>
<fieldset id="consent-purposes" class="consent-purposes" hidden>
  <legend>Choisir finalité par finalité</legend>
  <label class="choice"><input type="checkbox" name="analytics">
    <span><strong>Mesure d'audience</strong> Statistiques de fréquentation pour améliorer le site.</span></label>
  <label class="choice"><input type="checkbox" name="advertising">
    <span><strong>Publicité</strong> Publicités adaptées à votre navigation.</span></label>
  <button type="button" class="button secondary" data-consent="save">Enregistrer mes choix</button>
</fieldset>
<div class="consent-actions">
  <button type="button" class="button" data-consent="refuse">Tout refuser</button>
  <button type="button" class="button" data-consent="accept">Tout accepter</button>
</div>
<button type="button" class="link" data-consent="customise" aria-expanded="false"
  aria-controls="consent-purposes">Personnaliser mes choix</button>`;

function readState() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY)) ?? {};
  } catch {
    return {};
  }
}

function writeState(state) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
}

// A choice holds while the server's 13-month validity runs and the policy has not changed.
function currentChoices() {
  const state = readState();
  const valid = state.policy_version === POLICY_VERSION && Date.parse(state.expires_at) > Date.now();
  return valid ? state.choices : null;
}

async function post(path, body, idempotencyKey) {
  try {
    const response = await fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
      body: JSON.stringify(body),
    });
    const isJson = /json/.test(response.headers.get("Content-Type") ?? "");
    return { status: response.status, body: isJson ? await response.json() : null };
  } catch {
    return { status: 0, body: null }; // network failure: the same key makes a retry safe
  }
}

// ---- Consent banner -------------------------------------------------------------------------

// Where a first-party cookie may live: the host, then each parent domain (".jaqe.fr" for www.jaqe.fr).
// `null` is the host-only cookie (the only kind an IP address or a one-label host can have).
function cookieDomains() {
  const host = location.hostname;
  if (/^[\d.]+$|^\[|^[^.]+$/.test(host)) return [null];
  const labels = host.split(".");
  return [null, ...labels.slice(0, -1).map((_, i) => labels.slice(i).join("."))];
}

const cookieNames = () => document.cookie.split(";").map((pair) => pair.split("=")[0].trim()).filter(Boolean);
const matches = (pattern, name) => (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

function setCookie(name, value, attributes, domain) {
  document.cookie = `${name}=${value}; path=/; ${attributes}${domain ? `; domain=${domain}` : ""}`;
}

// A cookie goes wherever it may live: on the host and every parent domain.
function deleteCookie(name) {
  for (const domain of cookieDomains()) setCookie(name, "", "max-age=0", domain);
}

// The cookies of these purposes present in this browser, with their values.
function trackerCookies(purposes) {
  const jar = Object.fromEntries(document.cookie.split(";").map((pair) => pair.trim().split(/=(.*)/s, 2)));
  const patterns = purposes.flatMap((purpose) => TRACKERS[purpose]?.cookies ?? []);
  return cookieNames().filter((n) => patterns.some((p) => matches(p, n))).map((name) => [name, jar[name] ?? ""]);
}

// A refused or withdrawn purpose leaves nothing behind: its cookies go, on the host and every parent domain.
function purgeCookies(choices) {
  const refused = Object.keys(TRACKERS).filter((purpose) => choices[purpose] !== true);
  for (const [name] of trackerCookies(refused)) deleteCookie(name);
}

// An accepted purpose's cookies end with the consent (13 months at most from the choice): a tag that
// pushes its cookie's expiry further on a later visit is brought back to that date.
function capCookies(choices, expiresAt) {
  const end = new Date(expiresAt);
  if (Number.isNaN(end.getTime())) return;
  const accepted = Object.keys(TRACKERS).filter((purpose) => choices[purpose] === true);
  for (const [name, value] of trackerCookies(accepted)) {
    deleteCookie(name);
    // Written back on the widest domain that takes it, as the tags themselves do.
    const domains = cookieDomains().reverse();
    for (const domain of domains) {
      setCookie(name, value, `expires=${end.toUTCString()}; SameSite=Lax`, domain);
      if (cookieNames().includes(name)) break;
    }
  }
}

// Google's tag, told before it loads: its cookies expire with the consent and are not extended by later hits.
function configureGoogleTag(src, expiresAt) {
  const id = new URL(src).searchParams.get("id");
  if (!id) return;
  window.dataLayer = window.dataLayer || [];
  window.gtag = function gtag() {
    window.dataLayer.push(arguments); // the tag reads its own `arguments` objects
  };
  const seconds = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  window.gtag("js", new Date());
  window.gtag("config", id, { cookie_expires: seconds, cookie_update: false });
}

function loadTags(choices, expiresAt) {
  for (const [purpose, { tags }] of Object.entries(TRACKERS)) {
    if (choices[purpose] !== true) continue;
    for (const src of tags) {
      if (document.querySelector(`script[src="${CSS.escape(src)}"]`)) continue;
      if (src.includes("googletagmanager.com/gtag/js")) configureGoogleTag(src, expiresAt);
      const script = document.createElement("script");
      Object.assign(script, { src, async: true });
      script.dataset.purpose = purpose;
      script.addEventListener("load", () => setTimeout(() => capCookies(choices, expiresAt), 1000));
      document.head.append(script);
    }
  }
}

// What this browser has decided, applied: refused purposes purged, accepted ones loaded and capped.
function apply(choices, expiresAt) {
  purgeCookies(choices);
  capCookies(choices, expiresAt);
  loadTags(choices, expiresAt);
}

const FOCUSABLE = "button:not([hidden]), input, a[href]";

class ConsentBanner {
  constructor() {
    this.element = document.createElement("section");
    this.element.className = "consent";
    this.element.hidden = true;
    this.element.setAttribute("role", "dialog");
    this.element.setAttribute("aria-labelledby", "consent-title");
    this.element.setAttribute("aria-describedby", "consent-text");
    this.element.tabIndex = -1; // focused when it opens, so that it is announced
    this.element.innerHTML = BANNER;
    this.element.querySelector("#consent-gpc").hidden = !GPC;
    document.body.prepend(this.element); // first in the tab order
    this.element.addEventListener("click", (event) => this.onClick(event));
    this.element.addEventListener("keydown", (event) => this.onKey(event));
    document.addEventListener("click", (event) => {
      const opener = event.target.closest("[data-consent-open]");
      if (opener) this.open(opener);
    });
  }

  get purposes() {
    return this.element.querySelector("#consent-purposes");
  }

  // Opened by the site on a first visit, the banner is modal: focus stays in it until a choice, and
  // Escape does not dismiss it. Reopened from "Gérer mes cookies", Escape closes it.
  open(opener = null) {
    this.opener = opener;
    this.modal = opener === null;
    this.element.setAttribute("aria-modal", String(this.modal));
    const state = readState();
    const choices = state.choices ?? {};
    for (const box of this.purposes.querySelectorAll("input")) box.checked = choices[box.name] === true;
    const visitor = this.element.querySelector("#consent-visitor");
    visitor.hidden = !state.visitor_id;
    visitor.querySelector("code").textContent = state.visitor_id ?? "";
    this.customise(opener !== null);
    this.element.hidden = false;
    this.element.focus();
  }

  close() {
    this.element.hidden = true;
    this.modal = false;
    this.opener?.focus();
  }

  onKey(event) {
    if (event.key === "Escape" && !this.modal) this.close();
    if (event.key !== "Tab" || !this.modal) return;
    const focusable = [...this.element.querySelectorAll(FOCUSABLE)].filter((e) => e.offsetParent !== null);
    const [first, last] = [focusable[0], focusable.at(-1)];
    const leaving = event.shiftKey ? [first, this.element].includes(document.activeElement) : document.activeElement === last;
    if (leaving) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  }

  customise(show) {
    this.purposes.hidden = !show;
    this.element.querySelector('[data-consent="customise"]').setAttribute("aria-expanded", String(show));
  }

  onClick(event) {
    const action = event.target.closest("[data-consent]")?.dataset.consent;
    const all = (value) => ({ analytics: value, advertising: value });
    if (action === "customise") this.customise(this.purposes.hidden);
    else if (action === "refuse") this.decide(all(false), "banner");
    else if (action === "accept" && GPC) this.decide({ analytics: true, advertising: false }, "gpc");
    else if (action === "accept") this.decide(all(true), "banner");
    else if (action === "save") {
      const boxes = this.purposes.elements;
      this.decide({ analytics: boxes.analytics.checked, advertising: boxes.advertising.checked }, "customise");
    }
  }

  async decide(choices, source) {
    const state = readState();
    const withdrawn = Object.keys(TRACKERS).some((p) => state.choices?.[p] === true && !choices[p]);
    state.visitor_id ??= crypto.randomUUID();
    Object.assign(state, { choices, policy_version: POLICY_VERSION, expires_at: null });
    writeState(state);
    this.close();
    purgeCookies(choices);
    const body = { visitor_id: state.visitor_id, choices, policy_version: POLICY_VERSION, source };
    const answer = await post("/v1/cookie-consents", body, crypto.randomUUID());
    // Until the server has recorded it (and said until when), the banner asks again on the next page.
    if (answer.status === 201) {
      Object.assign(state, { choices: answer.body.choices, expires_at: answer.body.expires_at });
      writeState(state);
    }
    if (withdrawn) location.reload(); // a loaded tag cannot be unloaded
    else apply(state.choices, state.expires_at);
  }
}

// A choice withdrawn through a rights request (with the visitor id) is on the server only: once per
// browsing session, a browser that accepted something checks its record before loading any tag.
async function recordedChoices(state) {
  if (!Object.values(state.choices).includes(true) || sessionStorage.getItem(STORAGE_KEY)) return state.choices;
  sessionStorage.setItem(STORAGE_KEY, "checked");
  const response = await fetch(`${API}/v1/cookie-consents/${state.visitor_id}`).catch(() => null);
  if (!response?.ok) return state.choices;
  const recorded = (await response.json()).choices;
  writeState({ ...state, choices: recorded });
  return recorded;
}

// ---- Forms ----------------------------------------------------------------------------------

function setPath(target, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  const parent = keys.reduce((node, key) => (node[key] ??= {}), target);
  if (Array.isArray(value)) parent[last] = [...(parent[last] ?? []), ...value];
  else parent[last] = value;
}

// A control that is sent: not disabled, nor inside a disabled (hidden) group.
const live = (control) => !control.matches(":disabled");

// The JSON body, from the controls' names (dotted paths, as the API reports errors). A live group with
// `data-object="corrections"` sends its object even when every control in it is empty (the API says what lacks).
function formBody(form) {
  const body = {};
  for (const group of form.querySelectorAll("fieldset[data-object]")) {
    if (live(group)) setPath(body, group.dataset.object, {});
  }
  for (const control of form.elements) {
    if (!control.name || !live(control)) continue;
    const value = control.value.trim();
    if (control.type === "radio") {
      if (control.checked) setPath(body, control.name, value);
    } else if (control.type === "checkbox" && control.hasAttribute("value")) {
      setPath(body, control.name, control.checked ? [control.value] : []); // one of a list
    } else if (control.type === "checkbox") {
      setPath(body, control.name, control.checked);
    } else if (control.dataset.type === "list") {
      setPath(body, control.name, value.split(",").map((v) => v.trim()).filter(Boolean));
    } else if (value || control.required) {
      setPath(body, control.name, value);
    }
  }
  return body;
}

// Groups shown for some values of a control only (`data-when="type=a b"`); a hidden group is disabled, so
// its controls are neither sent nor focusable.
function switchGroups(form) {
  for (const group of form.querySelectorAll("[data-when]")) {
    const [name, values] = group.dataset.when.split("=");
    const shown = values.split(" ").includes(form.elements.namedItem(name)?.value);
    group.hidden = !shown;
    group.disabled = !shown;
  }
}

// Where an error's dotted path is shown: the live element that answers for it (`data-errors="corrections
// body"`: a group, or a control), else the live controls of that name (`trades.1` -> `trades`). `body` is an
// error on the whole request (a rule across fields): the shown group that answers for it, else the control
// that chooses the groups. `controls` are marked invalid; the message goes at the end of `holder`.
function targetFor(form, field) {
  const answering = [...form.querySelectorAll("[data-errors]")].find(
    (element) => live(element) && element.dataset.errors.split(" ").includes(field),
  );
  if (answering instanceof HTMLFieldSetElement) {
    const controls = [...answering.elements].filter((c) => c.type !== "hidden" && c.localName !== "fieldset");
    return { holder: answering, controls, answering };
  }
  if (answering) {
    return { holder: answering.closest(".field") ?? answering.parentElement, controls: [answering], answering };
  }
  let path = field;
  if (field === "body") path = form.querySelector("[data-when]")?.dataset.when.split("=")[0] ?? "";
  for (; path; path = path.replace(/\.?[^.]*$/, "")) {
    const found = form.elements.namedItem(path);
    const controls = (found instanceof RadioNodeList ? [...found] : found ? [found] : []).filter(live);
    const holder = controls[0]?.closest("fieldset.group, .field") ?? controls[0]?.parentElement;
    if (holder) return { holder, controls };
    if (!/\.\d+$/.test(path)) break;
  }
  return null;
}

// What the person reads for an error. An element answering for a path (`data-errors`) says it in the page's
// words (`data-error`): the API's rules across fields are worded for its clients. Elsewhere the API's message,
// unless it names the API's own fields (« corrections », (purposes), snake_case ids) or is pydantic's English:
// then the page's wording for that place, or a general one.
const SPEAKS_API = /[«»]|\([a-z_.]+\)|\b[a-z]+_[a-z_]+\b|\b(?:Input|should|required|permitted)\b/;
function wording(target, field, message) {
  const own = target && [target.controls[0], target.holder].map((place) => place.dataset.error).find(Boolean);
  if (target?.answering && own) return own;
  const general = field === "body" ? "Vérifiez les informations de votre demande." : "Vérifiez ce champ.";
  const text = !message || SPEAKS_API.test(message) ? (field !== "body" && own) || general : message;
  return text[0].toUpperCase() + text.slice(1);
}

function clearErrors(form) {
  for (const error of form.querySelectorAll(".field-error")) error.remove();
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
  }
}

function showFieldError(form, { holder, controls }, text) {
  const error = document.createElement("p");
  error.className = "field-error";
  error.id = `${form.id}-erreur-${form.querySelectorAll(".field-error").length + 1}`;
  error.textContent = text;
  holder.append(error);
  for (const control of controls) {
    control.setAttribute("aria-invalid", "true");
    const described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", described ? `${described} ${error.id}` : error.id);
  }
}

function showStatus(form, kind, message) {
  const status = form.querySelector(".form-status");
  status.className = `form-status ${kind}`;
  status.textContent = message;
}

function showProblem(form, problem) {
  const unplaced = [];
  for (const { field, message } of problem?.errors ?? []) {
    const target = targetFor(form, field);
    if (target) showFieldError(form, target, wording(target, field, message));
    else unplaced.push(wording(null, field, message));
  }
  const summary = problem?.errors?.length ? "Merci de corriger les champs signalés." : problem?.detail;
  showStatus(form, "error", [summary ?? "Votre demande n'a pas pu être envoyée.", ...unplaced].join(" "));
  (form.querySelector("[aria-invalid]") ?? form.querySelector(".form-status")).focus();
}

async function submit(form) {
  clearErrors(form);
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  showStatus(form, "pending", "Envoi en cours…");
  // One key per submission attempt; a retry of the same content reuses it (no duplicate).
  form.dataset.idempotencyKey ||= crypto.randomUUID();
  const answer = await post(form.dataset.endpoint, formBody(form), form.dataset.idempotencyKey);
  button.disabled = false;
  if (answer.status === 0 || answer.status === 429 || answer.status >= 500) {
    const retry = "Le service est momentanément indisponible. Réessayez : votre demande ne sera pas envoyée deux fois.";
    showStatus(form, "error", retry);
    return;
  }
  delete form.dataset.idempotencyKey;
  if (answer.status >= 200 && answer.status < 300) {
    form.reset();
    switchGroups(form);
    showStatus(form, "success", form.dataset.success);
    form.querySelector(".form-status").focus();
  } else {
    showProblem(form, answer.body);
  }
}

async function fillTrades(targets) {
  if (!targets.length) return;
  const response = await fetch(`${API}/v1/trades`).catch(() => null);
  const trades = response?.ok ? await response.json() : [];
  for (const target of targets) {
    for (const { id, label } of trades) {
      if (target instanceof HTMLSelectElement) {
        target.append(new Option(label, id));
        continue;
      }
      const choice = document.createElement("label");
      choice.className = "choice";
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: id });
      box.name = target.dataset.name;
      choice.append(box, ` ${label}`);
      target.append(choice);
    }
  }
}

function initForm(form) {
  const status = document.createElement("p");
  status.className = "form-status";
  status.tabIndex = -1;
  status.setAttribute("role", "status");
  form.append(status);
  for (const field of form.querySelectorAll("[data-policy-version]")) field.value = POLICY_VERSION;
  switchGroups(form);
  form.addEventListener("change", () => switchGroups(form));
  form.addEventListener("input", () => delete form.dataset.idempotencyKey); // new content, new attempt
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form);
  });
}

const banner = new ConsentBanner();
const choices = currentChoices();
if (choices) recordedChoices(readState()).then((recorded) => apply(recorded, readState().expires_at));
else banner.open();
document.querySelectorAll("form[data-endpoint]").forEach(initForm);
fillTrades([...document.querySelectorAll('[data-options="trades"]')]);
