// The Switchboard developer dashboard: renders the host's state (GET api/state, then pushed by api/events) and
// calls connectors over CSP and Spiff exactly as a workflow engine would, showing the request and the response.
"use strict";

// The dashboard's own key, and each protocol's secret when it differs: a host may set a CSP bearer token and a Spiff
// API key of its own, and the page calls each protocol with that protocol's secret. A protocol without one of its own
// is given the dashboard's key (one secret for all is the common case).
const secretKeys = { dashboard: "switchboard.dashboard.secret", csp: "switchboard.dashboard.secret.csp", spiff: "switchboard.dashboard.secret.spiff" };
const cards = new Map(); // connector type -> { signature, element }: forms survive updates that do not change them
let requestId = 0;
let retry = null; // the call whose protocol refused its secret, made again once the user gives that protocol's

function secret(kind) {
  return sessionStorage.getItem(secretKeys[kind]) ?? (kind === "dashboard" ? null : sessionStorage.getItem(secretKeys.dashboard));
}

// The address the host logs at start carries its key after '#' (never sent to a server): kept for this tab, then
// taken out of the address bar, so a copied address or a screenshot does not carry it on.
(function keyFromAddress() {
  const key = new URLSearchParams(location.hash.slice(1)).get("key");
  if (!key) return;
  sessionStorage.setItem(secretKeys.dashboard, key);
  history.replaceState(null, "", location.pathname + location.search);
})();

// kind: "dashboard" for the page's own data, or the protocol a call goes over.
function authHeaders(kind) {
  const value = secret(kind);
  if (!value) return {};
  return kind === "spiff" ? { "Spiff-Connector-Proxy-Api-Key": value } : { "Authorization": "Bearer " + value };
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const askFor = {
  dashboard: "The dashboard needs a key: open the address the host logged at start (it ends in #key=…), or give the CSP bearer token or the Spiff API key when the host has one",
  csp: "The CSP endpoint refused the key: give its bearer token (Switchboard:Csp:BearerToken)",
  spiff: "The Spiff endpoint refused the key: give its API key (Switchboard:Spiff:ApiKey)",
};

// kind: whose secret was refused; the form stores what is given under that kind.
function askForSecret(kind) {
  const form = document.getElementById("credentials");
  // The page's own prompt stays until it is answered: its live data waits for that key, which is also every protocol's
  // that has none of its own, and the refused call is made again once it is given (a protocol that still refuses it is
  // asked for then).
  if (!form.hidden && form.dataset.for === "dashboard" && kind !== "dashboard") return;
  form.dataset.for = kind;
  document.getElementById("secret-label").textContent = askFor[kind];
  document.getElementById("secret").value = "";
  form.hidden = false;
  document.getElementById("secret").focus(); // the form is at the top: a card's button may be far below it
  if (kind === "dashboard") setLive(false, "needs a key");
}

function setLive(on, text) {
  const badge = document.getElementById("live");
  badge.className = "badge " + (on ? "on" : "off");
  badge.textContent = text;
}

// ---- live state --------------------------------------------------------------------------------------------------

// Server-sent events read with fetch, so the secret travels in a header (EventSource cannot send one).
async function follow() {
  while (true) {
    try {
      const response = await fetch("api/events", { headers: authHeaders("dashboard"), cache: "no-store" });
      if (response.status === 401) { askForSecret("dashboard"); return; }
      if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
      setLive(true, "live");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split("\n").filter(line => line.startsWith("data:")).map(line => line.slice(5).trimStart()).join("\n");
          if (data) render(JSON.parse(data));
        }
      }
    } catch (error) {
      console.warn("dashboard: event stream ended", error);
    }
    setLive(false, "reconnecting…");
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

function render(state) {
  renderPlugins(state.plugins);
  renderConnectors(state.connectors, state.protocols);
  renderCalls(state.recentCalls);
}

// The table is rebuilt only when the plugins changed (every recorded call pushes the state), and a history the user
// opened stays open across a rebuild.
let pluginsShown = null;

function renderPlugins(plugins) {
  const shown = JSON.stringify(plugins);
  if (shown === pluginsShown) return;
  pluginsShown = shown;
  const body = document.querySelector("#plugins tbody");
  const opened = new Set([...body.querySelectorAll("tr[data-plugin]")]
    .filter(row => row.querySelector("details[open]")).map(row => row.dataset.plugin));
  body.replaceChildren(...plugins.map(plugin => el("tr", { "data-plugin": plugin.name },
    el("td", {}, el("strong", {}, plugin.name),
      plugin.isolation && plugin.isolation.mode === "process" ? el("div", { class: "muted" }, `own process ${plugin.isolation.processId}`) : null),
    el("td", {}, el("span", { class: "badge state-" + plugin.state }, plugin.state),
      plugin.reason ? el("div", { class: "reason" }, plugin.reason) : null,
      plugin.leakedGenerations > 0 ? el("div", { class: "reason" }, `${plugin.leakedGenerations} leaked generation(s)`) : null),
    el("td", {}, plugin.version || ""),
    el("td", {}, plugin.generation || "",
      plugin.loadedAt ? el("div", { class: "muted" }, new Date(plugin.loadedAt).toLocaleTimeString()) : null),
    el("td", {}, plugin.connectors.map(c => el("div", {}, c.type,
      c.zeebe ? el("span", { class: "muted" }, ` · Zeebe ${c.zeebe.worker}, ${c.zeebe.activeJobs} active`) : null)),
      plugin.inboundConnectors.map(type => el("div", {}, type, el("span", { class: "muted" }, " · inbound")))),
    el("td", {}, el("details", {}, el("summary", {}, `${plugin.history.length} event(s)`),
      el("ul", {}, plugin.history.slice().reverse().map(e => el("li", {}, `${new Date(e.at).toLocaleTimeString()} ${e.what}`))))))));
  for (const row of body.querySelectorAll("tr[data-plugin]")) {
    if (opened.has(row.dataset.plugin)) row.querySelector("details").open = true;
  }
}

function renderCalls(calls) {
  const body = document.querySelector("#calls tbody");
  body.replaceChildren(...calls.map(call => el("tr", {},
    el("td", {}, new Date(call.at).toLocaleTimeString()),
    el("td", {}, call.connector), el("td", {}, call.operation), el("td", {}, call.protocol),
    el("td", {}, el("span", { class: "badge outcome-" + call.outcome }, call.outcome)),
    el("td", {}, call.durationMs),
    el("td", {}, call.errorCode ? `${call.errorCode}: ${call.errorMessage}` : ""))));
}

// ---- forms from metadata -----------------------------------------------------------------------------------------

function renderConnectors(connectors, protocols) {
  const container = document.getElementById("connectors");
  const seen = new Set();
  for (const connector of connectors) {
    seen.add(connector.type);
    const signature = JSON.stringify([connector, protocols]);
    const known = cards.get(connector.type);
    if (known && known.signature === signature) continue;
    const card = connectorCard(connector, protocols);
    if (known) known.element.replaceWith(card); else container.append(card);
    cards.set(connector.type, { signature, element: card });
  }
  for (const [type, card] of cards) {
    if (!seen.has(type)) { card.element.remove(); cards.delete(type); }
  }
}

function connectorCard(connector, protocols) {
  // Closed until chosen: a host serves many connectors, each with a form per operation.
  return el("details", { class: "connector", "data-connector": connector.type },
    el("summary", {}, connector.name, " ", el("span", { class: "muted" }, `${connector.type} · plugin ${connector.plugin || "?"}`)),
    connector.operations.map(operation => operationForm(connector, operation, protocols)));
}

function operationForm(connector, operation, protocols) {
  const fields = operation.input.map(parameter => field(parameter));
  const exchange = el("div", { class: "exchange", hidden: true },
    el("div", {}, el("div", { class: "muted" }, "Request"), el("pre", { class: "request" })),
    el("div", {}, el("div", { class: "muted" }, "Response"), el("pre", { class: "response" })));
  const result = el("div", { class: "result" });
  const form = el("form", { class: "operation", "data-operation": operation.id, novalidate: true, onsubmit: e => e.preventDefault() },
    el("div", {}, el("strong", {}, operation.name), operation.description ? el("span", { class: "muted" }, " " + operation.description) : null),
    fields,
    el("div", { class: "actions" },
      protocols.csp ? el("button", { type: "button", "data-protocol": "csp",
        onclick: () => invoke("csp", connector, operation, form, protocols) }, "Invoke over CSP") : null,
      protocols.spiff && operation.spiffCommand ? el("button", { type: "button", "data-protocol": "spiff",
        onclick: () => invoke("spiff", connector, operation, form, protocols) }, "Invoke over Spiff") : null),
    result, exchange);
  return form;
}

function field(parameter) {
  const id = "f" + Math.random().toString(36).slice(2);
  let input;
  if (parameter.choices.length > 0) {
    input = el("select", { id, name: parameter.id },
      el("option", { value: "" }, parameter.required ? "choose…" : "(not set)"),
      parameter.choices.map(c => el("option", { value: c.value, selected: parameter.default === c.value }, c.name)));
  } else if (parameter.kind === "boolean") {
    input = el("select", { id, name: parameter.id },
      el("option", { value: "" }, "(not set)"), el("option", { value: "true", selected: parameter.default === true }, "true"),
      el("option", { value: "false", selected: parameter.default === false }, "false"));
  } else if (["object", "list", "map", "any"].includes(parameter.kind) || parameter.multiline) {
    input = el("textarea", { id, name: parameter.id, rows: 3,
      placeholder: parameter.kind === "string" ? "" : "JSON" });
    if (parameter.default !== null && parameter.default !== undefined)
      input.value = typeof parameter.default === "string" ? parameter.default : JSON.stringify(parameter.default, null, 2);
  } else {
    const type = parameter.secret ? "password" : ["integer", "number"].includes(parameter.kind) ? "number" : "text";
    input = el("input", { id, name: parameter.id, type, step: parameter.kind === "number" ? "any" : null, autocomplete: "off" });
    if (parameter.default !== null && parameter.default !== undefined) input.value = String(parameter.default);
  }
  input.dataset.kind = parameter.kind;
  return el("div", { class: "field", "data-field": parameter.id },
    el("label", { for: id, title: parameter.description || "" }, parameter.label,
      parameter.required ? el("span", { class: "required", title: "required" }, "*") : null),
    input,
    el("span", { class: "field-error", role: "alert" }));
}

// A field left empty is left out, so the host's own validation speaks for required ones.
function inputOf(form) {
  // No prototype: a parameter may be named __proto__, which on a plain object sets the prototype instead of a field.
  const input = Object.create(null);
  for (const control of form.querySelectorAll("[name]")) {
    const raw = control.value;
    if (raw === "") continue;
    const kind = control.dataset.kind;
    let value = raw;
    if ((kind === "integer" || kind === "number") && raw.trim() !== "" && !isNaN(Number(raw))) value = Number(raw);
    else if (kind === "boolean") value = raw === "true";
    else if (["object", "list", "map", "any"].includes(kind)) { try { value = JSON.parse(raw); } catch { value = raw; } }
    input[control.name] = value;
  }
  return input;
}

async function invoke(protocol, connector, operation, form, protocols) {
  const input = inputOf(form);
  let url, body;
  if (protocol === "csp") {
    url = protocols.csp;
    const params = { input };
    if (operation.id) params.operation = operation.id;
    body = { jsonrpc: "2.0", id: ++requestId, method: connector.type, params };
  } else {
    // Each part is a path segment: escaped, so that no character of a command can end or change the path.
    url = protocols.spiff + operation.spiffCommand.split("/").map(encodeURIComponent).join("/");
    body = input;
  }
  const text = JSON.stringify(body, null, 2);
  form.querySelector(".exchange").hidden = false;
  form.querySelector(".request").textContent = `POST ${url}\n\n${text}`;
  form.querySelector(".response").textContent = "…";
  form.querySelector(".result").textContent = "";
  for (const error of form.querySelectorAll(".field-error")) error.textContent = "";
  let response, answer;
  try {
    response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...authHeaders(protocol) }, body: text });
    const raw = await response.text();
    try { answer = JSON.parse(raw); } catch { answer = raw; }
    form.querySelector(".response").textContent = `HTTP ${response.status}\n\n${typeof answer === "string" ? answer : JSON.stringify(answer, null, 2)}`;
  } catch (error) {
    form.querySelector(".response").textContent = "the request failed: " + error;
    return;
  }
  if (response.status === 401) {
    retry = () => invoke(protocol, connector, operation, form, protocols);
    askForSecret(protocol);
    return;
  }
  showOutcome(protocol, answer, form);
}

function showOutcome(protocol, answer, form) {
  const result = form.querySelector(".result");
  if (typeof answer !== "object" || answer === null) return;
  if (protocol === "csp" && answer.result && !answer.result.error) {
    result.textContent = "Output: " + JSON.stringify(answer.result.output);
    return;
  }
  if (protocol === "spiff" && !answer.error && answer.command_response) {
    result.textContent = "Output: " + JSON.stringify(answer.command_response.body);
    return;
  }
  const errors = fieldErrors(answer);
  const fields = [...form.querySelectorAll(".field[data-field]")];
  for (const { field, message } of errors) {
    const slot = fieldFor(fields, String(field));
    if (slot) slot.querySelector(".field-error").textContent = message;
  }
  const error = (answer.error && (answer.error.data || answer.error)) || (answer.result && answer.result.error) || {};
  result.textContent = "Failed: " + (error.errorCode || error.error_code || error.code || "") + " " + (error.errorMessage || error.message || "");
}

// The form's field an error's path is about: the parameter whose id the path is or starts with (followed by a nested
// member or an index), the longest such id winning, since an id may itself hold "." or "[" (retry.count, tags[main]).
function fieldFor(fields, path) {
  const bare = path.replace(/^params\./, "").replace(/^input\./, "");
  let best = null;
  for (const candidate of fields) {
    const id = candidate.dataset.field;
    const about = [path, bare].some(p => p === id || p.startsWith(id + ".") || p.startsWith(id + "["));
    if (about && (!best || id.length > best.dataset.field.length)) best = candidate;
  }
  return best;
}

// Field errors wherever the protocol puts them: CSP's data.validationErrors, Spiff's fields.
function fieldErrors(node) {
  const found = [];
  (function walk(value) {
    if (Array.isArray(value)) { value.forEach(walk); return; }
    if (typeof value !== "object" || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if ((key === "validationErrors" || key === "fields") && Array.isArray(child)) {
        for (const item of child) if (item && item.field) found.push(item);
      } else {
        walk(child);
      }
    }
  })(node);
  return found;
}

document.getElementById("credentials").addEventListener("submit", event => {
  event.preventDefault();
  const form = document.getElementById("credentials");
  const kind = form.dataset.for || "dashboard";
  sessionStorage.setItem(secretKeys[kind], document.getElementById("secret").value);
  form.hidden = true;
  if (kind === "dashboard") follow();
  const again = retry;
  retry = null;
  if (again) again();
});

follow();
