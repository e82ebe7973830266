// JAQE site kit: the cookie banner (policy section 6) and the forms, against the /v1 API.
// One ES module, no dependency, no inline handler: it works under a strict Content-Security-Policy.

// jaqe.platform.controller.POLICY_VERSION: a change asks every visitor again (tests/unit/test_site_kit.py checks it).
const POLICY_VERSION = "2023-09";
// Where the API lives: `<meta name="jaqe-api" content="https://api.jaqe.fr">`, else this origin.
const API = document.querySelector('meta[name="jaqe-api"]')?.content ?? "";
// Third-party tags, injected only once their purpose is accepted (C6-02). Put JAQE's own ids here.
const TAGS = {
  analytics: ["https://www.googletagmanager.com/gtag/js?id=G-JAQE"],
  advertising: ["https://connect.facebook.net/fr_FR/fbevents.js"],
};
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

function loadTags(choices) {
  for (const [purpose, urls] of Object.entries(TAGS)) {
    if (choices[purpose] !== true) continue;
    for (const src of urls) {
      if (document.querySelector(`script[src="${CSS.escape(src)}"]`)) continue;
      const script = document.createElement("script");
      Object.assign(script, { src, async: true });
      script.dataset.purpose = purpose;
      document.head.append(script);
    }
  }
}

class ConsentBanner {
  constructor() {
    this.element = document.createElement("section");
    this.element.className = "consent";
    this.element.hidden = true;
    this.element.setAttribute("role", "dialog");
    this.element.setAttribute("aria-labelledby", "consent-title");
    this.element.setAttribute("aria-describedby", "consent-text");
    this.element.tabIndex = -1; // focused when reopened, so that it is announced
    this.element.innerHTML = BANNER;
    document.body.prepend(this.element); // first in the tab order
    this.element.addEventListener("click", (event) => this.onClick(event));
    this.element.addEventListener("keydown", (event) => event.key === "Escape" && this.opener && this.close());
    document.addEventListener("click", (event) => {
      const opener = event.target.closest("[data-consent-open]");
      if (opener) this.open(opener);
    });
  }

  get purposes() {
    return this.element.querySelector("#consent-purposes");
  }

  open(opener = null) {
    this.opener = opener;
    const choices = readState().choices ?? {};
    for (const box of this.purposes.querySelectorAll("input")) box.checked = choices[box.name] === true;
    this.customise(opener !== null);
    this.element.hidden = false;
    if (opener) this.element.focus();
  }

  close() {
    this.element.hidden = true;
    this.opener?.focus();
  }

  customise(show) {
    this.purposes.hidden = !show;
    this.element.querySelector('[data-consent="customise"]').setAttribute("aria-expanded", String(show));
  }

  onClick(event) {
    const action = event.target.closest("[data-consent]")?.dataset.consent;
    const all = (value) => ({ analytics: value, advertising: value });
    if (action === "customise") this.customise(this.purposes.hidden);
    else if (action === "refuse") this.decide(all(false));
    else if (action === "accept") this.decide(all(true));
    else if (action === "save") {
      const boxes = this.purposes.elements;
      this.decide({ analytics: boxes.analytics.checked, advertising: boxes.advertising.checked });
    }
  }

  async decide(choices) {
    const state = readState();
    const withdrawn = Object.keys(TAGS).some((p) => state.choices?.[p] === true && !choices[p]);
    state.visitor_id ??= crypto.randomUUID();
    Object.assign(state, { choices, policy_version: POLICY_VERSION, expires_at: null });
    writeState(state);
    this.close();
    loadTags(choices);
    const body = { visitor_id: state.visitor_id, choices, policy_version: POLICY_VERSION };
    const answer = await post("/v1/cookie-consents", body, crypto.randomUUID());
    // Until the server has recorded it (and said until when), the banner asks again on the next page.
    if (answer.status === 201) writeState({ ...state, expires_at: answer.body.expires_at });
    if (withdrawn) location.reload(); // a loaded tag cannot be unloaded
  }
}

// ---- Forms ----------------------------------------------------------------------------------

function setPath(target, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  const parent = keys.reduce((node, key) => (node[key] ??= {}), target);
  if (Array.isArray(value)) parent[last] = [...(parent[last] ?? []), ...value];
  else parent[last] = value;
}

// The JSON body, from the controls' names (dotted paths, as the API reports errors).
function formBody(form) {
  const body = {};
  for (const control of form.elements) {
    if (!control.name || control.disabled) continue;
    const value = control.value.trim();
    if (control.type === "checkbox" && control.hasAttribute("value")) {
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

// The control (or the group of checkboxes) an error's dotted path designates: `trades.1` -> `trades`.
function controlsFor(form, field) {
  for (let path = field; path; path = path.replace(/\.?[^.]*$/, "")) {
    const found = form.elements.namedItem(path);
    if (found) return found instanceof RadioNodeList ? [...found] : [found];
    if (!/\.\d+$/.test(path)) break;
  }
  return [];
}

function clearErrors(form) {
  for (const error of form.querySelectorAll(".field-error")) error.remove();
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
  }
}

function showFieldError(form, controls, message) {
  const holder = controls[0].closest("fieldset.group, .field") ?? controls[0].parentElement;
  const error = document.createElement("p");
  error.className = "field-error";
  error.id = `${form.id}-${controls[0].name.replaceAll(".", "-")}-erreur`;
  error.textContent = message[0].toUpperCase() + message.slice(1);
  holder.append(error);
  for (const control of controls) {
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", error.id);
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
    const controls = controlsFor(form, field);
    if (controls.length) showFieldError(form, controls, message);
    else unplaced.push(message);
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
  form.addEventListener("input", () => delete form.dataset.idempotencyKey); // new content, new attempt
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form);
  });
}

const banner = new ConsentBanner();
const choices = currentChoices();
if (choices) loadTags(choices);
else banner.open();
document.querySelectorAll("form[data-endpoint]").forEach(initForm);
fillTrades([...document.querySelectorAll('[data-options="trades"]')]);
