// icitrace's classroom page. Illustrative only, not for clinical use.
// Every word of a result comes from the server, which answers as the CLI does; this script only lays it
// out. Text is always set as text (textContent), never parsed as HTML, so a profile's values show as typed.
"use strict";

const state = { schema: null, rules: null, profile: {}, result: null, pinned: null, timer: null, edition: 0 };
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
// the grammar of `--set` (profile/editing.py): JSON numbers only, in a band too
const NUM = "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";
const BAND = new RegExp(`^(?:>=\\s*(${NUM}))?\\s*,?\\s*(?:<\\s*(${NUM}))?$`);

function $(id) { return document.getElementById(id); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body) };
  const response = await fetch(path, init);
  const type = response.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(data.error || (data.detail && JSON.stringify(data.detail)) || String(data));
  return data;
}

// --- the profile editor, generated from the profile schema -------------------------------------------

function kindOf(spec) {
  const arms = spec.anyOf || [spec];
  if (arms.some((a) => a.type === "number")) return "number";
  if (arms.some((a) => a.enum)) return "level";
  if (arms.some((a) => a.type === "boolean")) return "bool";
  if (arms.some((a) => a.type === "array")) return "list";
  return "text";
}

function levelsOf(spec) { return (spec.anyOf || [spec]).find((a) => a.enum).enum; }

function buildEditor() {
  const form = $("fields");
  const cutoffs = Object.entries(state.rules.cutoffs);
  for (const [name, spec] of Object.entries(state.schema.properties)) {
    if (name === "$schema") continue;
    const kind = kindOf(spec);
    let input;
    if (kind === "level" || kind === "bool") {
      const values = kind === "bool" ? ["true", "false"] : levelsOf(spec);
      input = el("select", {}, el("option", { value: "" }, "unknown"), values.map((v) => el("option", { value: v }, v)));
    } else {
      input = el("input", { type: "text", placeholder: kind === "list" ? "unknown (comma-separated; none: [])" : "unknown" });
    }
    input.id = "field-" + name;
    input.name = name;
    input.dataset.kind = kind;
    input.addEventListener("input", () => edited());
    const lines = cutoffs.filter(([, c]) => c.field === name)
      .map(([cut, c]) => `${cut}: ${c.value} ${c.unit} (${c.cite})`);
    form.append(el("div", { class: "field", "data-field": name },
      el("label", { htmlFor: input.id, title: spec.description || "" }, name), input,
      lines.length ? el("span", { class: "cutoffs" }, "cut-offs: " + lines.join("; ")) : null));
    if (kind === "number") $("sweep-field").append(el("option", { value: name }, name));
  }
}

function readField(input) {
  const text = input.value.trim();
  if (text === "") return undefined;
  switch (input.dataset.kind) {
    case "number": {
      const finite = (t) => {
        const n = Number(t);
        if (!Number.isFinite(n)) throw new Error(`${input.name}: ${t} is not a finite number`);
        return n;
      };
      if (NUMBER.test(text)) return finite(text);
      const band = BAND.exec(text);
      if (band && (band[1] !== undefined || band[2] !== undefined)) {
        const out = {};
        if (band[1] !== undefined) out.at_least = finite(band[1]);
        if (band[2] !== undefined) out.below = finite(band[2]);
        return out;
      }
      throw new Error(`${input.name}: a number such as 9.9, or a band such as >=1 <5`);
    }
    case "bool": return text === "true";
    case "list": return text === "[]" ? [] : text.split(",").map((s) => s.trim()).filter(Boolean);
    default: return text;
  }
}

function showField(input, value) {
  if (value === undefined || value === null) input.value = "";
  else if (input.dataset.kind === "list") input.value = value.length ? value.join(", ") : "[]";
  else input.value = show(value);  // a band as its text, which readField reads back
}

function setProfile(profile) {
  state.profile = {};
  for (const input of $("fields").elements) {
    showField(input, profile[input.name]);
    if (profile[input.name] !== undefined && profile[input.name] !== null) state.profile[input.name] = profile[input.name];
  }
  evaluateSoon(0);
}

function edited() {
  const profile = {};
  let problem = "";
  for (const input of $("fields").elements) {
    input.parentElement.classList.remove("invalid");
    try {
      const value = readField(input);
      if (value !== undefined) profile[input.name] = value;
    } catch (error) {
      input.parentElement.classList.add("invalid");
      problem = problem || error.message;
    }
  }
  showError(problem);
  if (problem) {  // nothing is evaluated, and an evaluation still on its way is dropped (edition moved on)
    clearTimeout(state.timer);
    state.edition += 1;
    return;
  }
  state.profile = profile;
  evaluateSoon(250);
}

function showError(message) {
  $("input-error").hidden = !message;
  $("input-error").textContent = message || "";
}

// --- the result -------------------------------------------------------------------------------------

function evaluateSoon(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(run, delay);
}

async function run() {
  const edition = ++state.edition;  // answers to an older edit are dropped: the page shows the latest
  history.replaceState(null, "", "#profile=" + encodeURIComponent(JSON.stringify(state.profile)));
  try {
    const [result, svg] = await Promise.all([api("/api/evaluate", state.profile), api("/api/graph", state.profile)]);
    if (edition !== state.edition) return;
    state.result = result;
    showError("");
    render(result);
    showGraph(svg);
    if (state.pinned) compare();
  } catch (error) {
    if (edition === state.edition) showError(error.message);
  }
}

function render(r) {
  $("disclaimer-text").textContent = r.disclaimer.replace(/^ILLUSTRATIVE ONLY - not for clinical use\.\s*/, "");
  $("versions").textContent = `icitrace ${r.icitrace_version} | rules ${r.rules_version} (${r.rules_digest}) | profile ${r.profile.id}`;
  $("findings").replaceChildren(...(r.findings.length ? r.findings.map(findingCard) : [el("p", { class: "muted" }, "none reached")]));
  $("strategies").replaceChildren(...(r.strategies.length ? r.strategies.map(strategyCard) : [el("p", { class: "muted" }, "none reached")]));
  renderCatalogue(r);
  $("unknowns").replaceChildren(
    el("p", {}, `${r.not_evaluated.length} rules undecided because a field is unknown (or a band straddles a cut-off).`),
    el("ul", {}, r.next_measurements.map((m) => el("li", {}, m.sentence))));
  $("references").replaceChildren(...Object.entries(r.references).map(([key, text]) => el("li", {}, key === "review" ? `The review: ${text}` : text)));
}

function because(items) {
  return items.map((b) => el("div", { class: "because" }, "because " + b.condition));
}

function findingCard(f) {
  return el("div", { class: "card" + (f.borderline ? " borderline" : ""), "data-finding": f.id },
    el("h4", {}, f.label, el("span", { class: "tag" }, f.kind), f.borderline ? el("span", { class: "tag" }, "borderline") : null),
    el("p", {}, f.summary),
    el("div", {}, `rule ${f.rule}: ${f.title}`),
    el("div", { class: "muted" }, `${f.evidence} | cites ${f.citations.join("; ")}`),
    because(f.because),
    el("p", {}, "why: " + f.explanation),
    f.caveats.map((c) => el("p", { class: "muted" }, "caveat: " + c.text)));
}

function strategyCard(s) {
  return el("div", { class: "card", "data-strategy": s.id },
    el("h4", {}, s.label),
    el("p", {}, s.summary),
    s.maturity ? el("div", { class: "muted" }, `maturity: ${s.maturity.label} [${s.maturity.citation}]: ${s.maturity.text}`) : null,
    s.routes.map((route, i) => el("div", {},
      el("div", {}, `route ${i + 1}: from ${route.from_findings.join(", ") || "the profile"} by rule ${route.rule}`),
      el("div", { class: "muted" }, `${route.evidence} | chain: ${route.chain_evidence} (weakest link) | cites ${route.citations.join("; ")}`
        + (route.rests_on_borderline.length ? ` | rests on borderline: ${route.rests_on_borderline.join(", ")}` : "")),
      because(route.because),
      el("p", {}, "why: " + route.explanation))),
    s.not_in_review ? el("p", { class: "muted" }, "not in the review: " + s.not_in_review) : null);
}

function renderCatalogue(r) {
  const reached = new Set([...r.findings.map((f) => f.id), ...r.strategies.map((s) => s.id)]);
  const open = new Set(r.not_evaluated.map((n) => n.concludes));
  const button = (id, label) => {
    const state_ = reached.has(id) ? "reached" : open.has(id) ? "open" : "not";
    const b = el("button", { type: "button", class: `conclusion ${state_}`, "data-id": id, title: label }, id);
    b.addEventListener("click", () => whyNot(id));
    return b;
  };
  $("catalogue").replaceChildren(
    el("div", {}, el("strong", {}, "findings "), Object.entries(state.rules.findings).map(([id, f]) => button(id, f.label))),
    el("div", {}, el("strong", {}, "strategies "), Object.entries(state.rules.strategies).map(([id, s]) => button(id, s.label))),
    el("p", { class: "muted" }, "green: reached; yellow: undecided (a field is unknown); grey: decided not reached. Click one to ask why."));
}

async function whyNot(id) {
  try {
    const result = await api("/api/evaluate?why_not=" + encodeURIComponent(id), state.profile);
    const e = result.why_not[0];
    $("why").replaceChildren(el("div", { class: "card", "data-why": id },
      el("h4", {}, `${e.holds ? "Why" : "Why not"}: ${e.id} (${e.label})`),
      el("p", { class: "summary" }, e.summary),
      e.routes.map((route) => el("div", {},
        el("div", {}, `rule ${route.rule}: ${route.status}` + (route.missing.length ? `, needs ${route.missing.join(", ")}` : "")),
        route.checks.map((c) => el("div", { class: "check" }, { holds: "ok ", fails: "x ", unknown: "? " }[c.status] + c.condition))))));
  } catch (error) {
    showError(error.message);
  }
}

function showGraph(svgText) {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const svg = document.importNode(doc.documentElement, true);
  for (const node of svg.querySelectorAll("[data-id]")) {
    node.addEventListener("click", () => whyNot(node.getAttribute("data-id")));
    node.addEventListener("keydown", (event) => { if (event.key === "Enter") whyNot(node.getAttribute("data-id")); });
  }
  $("graph").replaceChildren(svg);
}

// --- what if: pin and compare, sweep ------------------------------------------------------------------

function pin() {
  state.pinned = JSON.parse(JSON.stringify(state.profile));
  $("pin").hidden = true;
  $("unpin").hidden = false;
  $("pinned-note").textContent = "Pinned. Change fields to see what is gained and lost.";
  compare();
}

function unpin() {
  state.pinned = null;
  $("pin").hidden = false;
  $("unpin").hidden = true;
  $("pinned-note").textContent = "";
  $("compare").replaceChildren();
}

async function compare() {
  try {
    const d = await api("/api/diff", { a: state.pinned, b: state.profile });
    const shift = (s, cls) => el("li", { class: cls }, `${s.kind} ${s.id}` + (s.rules.length ? ` (${cls === "gained" ? "by" : "was by"} ${s.rules.join(", ")})` : ""),
      s.now.map((line) => el("div", { class: "muted" }, "now " + line)));
    $("compare").replaceChildren(el("div", { class: "card", "data-compare": "" },
      el("h4", {}, "Compared with the pinned profile"),
      el("div", {}, "changed: " + (d.changed_fields.map((c) => `${c.field} ${show(c.before)} -> ${show(c.after)}`).join("; ") || "nothing")),
      el("div", {}, `gained (${d.gained.length})`), el("ul", {}, d.gained.map((s) => shift(s, "gained"))),
      el("div", {}, `lost (${d.lost.length})`), el("ul", {}, d.lost.map((s) => shift(s, "lost")))));
  } catch (error) {
    showError(error.message);
  }
}

function show(value) {
  if (value === null || value === undefined) return "unknown";
  if (typeof value === "object" && !Array.isArray(value))  // a band, as Band.show writes it: ">=1 <5"
    return [value.at_least !== undefined ? ">=" + value.at_least : "", value.below !== undefined ? "<" + value.below : ""].join(" ").trim();
  return Array.isArray(value) ? "[" + value.join(", ") + "]" : String(value);
}

async function sweep() {
  const number = (id) => (NUMBER.test($(id).value.trim()) ? Number($(id).value.trim()) : null);
  try {
    const s = await api("/api/sweep", { profile: state.profile, field: $("sweep-field").value,
      from: number("sweep-from"), to: number("sweep-to"), step: number("sweep-step") });
    const grid = el("div", { class: "sweep-grid", "data-sweep": s.field });
    grid.style.gridTemplateColumns = `max-content repeat(${s.values.length}, minmax(4px, 1fr))`;
    grid.append(el("span", { class: "name" }, `${s.field} =`),
      ...s.values.map((v, i) => el("span", { class: "axis", title: show(v) }, i === 0 || i === s.values.length - 1 ? show(v) : "")));
    const index = (value) => s.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
    for (const [name, runs] of Object.entries(s.present)) {
      const present = s.values.map(() => false);
      for (const [first, last] of runs) for (let i = index(first); i >= 0 && i <= index(last); i++) present[i] = true;
      grid.append(el("span", { class: "name" }, name),
        ...s.values.map((v, i) => el("span", { class: present[i] ? "on" : "off", "data-row": name,
          title: `${s.field} ${show(v)}: ${present[i] ? "present" : "absent"}` })));
    }
    const ruledOut = s.impossible.map((run) => el("li", {},
      `${s.field} ${show(run.at[0])}${run.at[1] === run.at[0] ? "" : " .. " + show(run.at[1])}: ${run.reason}`));
    $("sweep").replaceChildren(el("p", { class: "muted" }, `Where each conclusion appears (green) across ${s.field}; hover a cell for its value.`),
      s.values.length ? grid : el("p", {}, "No value of the sweep could be evaluated."),
      ruledOut.length ? el("div", { "data-ruled-out": "" }, "Not evaluated (the rest of the profile rules these values out):", el("ul", {}, ruledOut)) : null);
  } catch (error) {
    showError(error.message);
  }
}

// --- loading and saving profiles ----------------------------------------------------------------------

async function loadText(text) {
  // The server reads it first, as `icitrace suggest` reads a file: an unknown or identifying key, a
  // repeated key or a number out of range is refused with the CLI's words, never dropped quietly.
  try {
    await api("/api/evaluate", text);
    setProfile(JSON.parse(text));
  } catch (error) {
    clearTimeout(state.timer);
    state.edition += 1;  // an evaluation of the profile still shown must not clear this message
    showError("That profile cannot be used: " + error.message);
  }
}

function download() {
  const blob = new Blob([JSON.stringify(state.profile, null, 2) + "\n"], { type: "application/json" });
  const link = el("a", { href: URL.createObjectURL(blob), download: (state.profile.id || "profile") + ".json" });
  document.body.append(link);
  link.click();
  link.remove();
}

async function start() {
  [state.schema, state.rules] = await Promise.all([api("/api/schema"), api("/api/rules")]);
  buildEditor();
  for (const name of await api("/api/profiles")) $("shipped").append(el("option", { value: name }, name));
  $("load-shipped").addEventListener("click", async () => {
    const name = $("shipped").value;
    if (name) setProfile({ id: name, ...(await api("/api/profiles/" + encodeURIComponent(name))) });  // as the CLI names it
  });
  $("upload").addEventListener("change", async () => { if ($("upload").files[0]) loadText(await $("upload").files[0].text()); });
  $("use-paste").addEventListener("click", () => loadText($("paste").value));
  $("download").addEventListener("click", download);
  $("clear").addEventListener("click", () => setProfile({}));
  $("pin").addEventListener("click", pin);
  $("unpin").addEventListener("click", unpin);
  $("sweep-run").addEventListener("click", sweep);
  window.addEventListener("hashchange", fromAddress);  // a shared link opened in a tab already on the page
  fromAddress();
}

function fromAddress() {
  const shared = /^#profile=(.*)$/.exec(location.hash);
  if (shared) loadText(decodeURIComponent(shared[1]));
  else setProfile({});
}

document.addEventListener("DOMContentLoaded", start);
