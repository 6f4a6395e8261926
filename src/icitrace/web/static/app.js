// icitrace's classroom page. Illustrative only, not for clinical use.
// Every word of a result comes from the server, which answers as the CLI does; this script lays it out.
// Text is always set as text (textContent), never parsed as HTML, so a profile's values show as typed.
//
// One state, one render: `state` holds the profile (as data, never re-read from its boxes), what is
// refused, and every answer with the edition of the profile it was asked for; render() draws the page
// from it. An answer for an older edition is dropped when it comes; a panel drawn for an earlier edition
// says it is out of date. Nothing on screen may describe a profile other than the one in the editor.
"use strict";

// the grammar of a number box, as `--set` reads it (profile/editing.py): JSON numbers, in a band too
const NUM = "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";
const NUMBER = new RegExp(`^${NUM}$`);
const BAND = new RegExp(`^(?:>=\\s*(${NUM}))?\\s*,?\\s*(?:<\\s*(${NUM}))?$`);
const REVIEW_CITATION = /^\[(10|[1-9])\]$|^conclusion$/;  // rulebase/model.py
const MAX_SWEEP = 500;  // the most values the server sweeps for the page (web/app.py)

// The CLI's framing sentences (render/prose.py, reasoning/borderline.py); a test holds them equal.
const NOTES = {
  chain: "firmest chain first (its weakest link: review-stated > inferred-link > external-cutoff)",
  standing: "any measured biomarker draws it",
  unknowns: "The deciding unknowns, the one that would settle the most first: a guide to what stays "
    + "open, not a list of tests.",
  references: "[n]: the review's own reference numbers",
  outside: "Outside the review (outside knowledge, cited to its source):",
  assay: "Assays, samples and laboratories differ around such cut-offs: a value this close could "
    + "fall on the other side when measured again.",
};

// Each field in words, with its unit; the id is in the label's tooltip and under the box. A field the
// page does not know yet is labelled by the schema's description.
const LABELS = {
  id: ["Case name", ""], description: ["Description", "free text, never reasoned on"],
  tumor_type: ["Tumour type", "free text, never reasoned on"],
  tmb: ["Tumour mutational burden (TMB)", "mut/Mb"], pd_l1_tps: ["PD-L1 tumour proportion score (TPS)", "%"],
  pd_l1_cps: ["PD-L1 combined positive score (CPS)", "a score, capped at 100"],
  pd_l1_ic_sp142: ["PD-L1 on immune cells by SP142 (IC score)", "% of tumour area, or IC0, IC1, IC2+"], il10: ["IL-10 level", ""],
  tgf_beta: ["TGF-beta level", ""], tim3: ["TIM-3 expression", ""], lag3: ["LAG-3 expression", ""],
  vista: ["VISTA expression", ""], tregs: ["Regulatory T cells (Tregs)", ""],
  mdscs: ["Myeloid-derived suppressor cells (MDSCs)", ""], hypoxia: ["Tumour hypoxia", ""],
  acidity: ["Acidity of the tumour microenvironment", ""], t_cell_infiltration: ["T cells in the tumour (immune phenotype)", ""],
  mhc_class_i: ["MHC class I expression", ""], tumor_antigens: ["Tumour-associated antigens", ""],
  oncogenic_alterations: ["Oncogenic pathway alterations", "one per line"],
  epigenetic_silencing: ["Immune genes silenced epigenetically", ""],
  ici_history: ["History on checkpoint inhibitors", "SITC terms"],
};

const state = {
  schema: null, rules: null, fields: [], cases: {},
  started: false,        // a case, a link or an edit has given the page a profile
  profile: {},           // the profile as data: an edit changes its one field
  refused: {},           // field -> why its box is refused (the page's own check)
  serverRefused: null,   // {fields, message}: the server refused the profile as a whole
  edition: 0,            // moves on with every change of the profile or of what is refused
  origin: "start",       // what made the latest edition: "case" (a whole profile) or "edit" (one field)
  edited: null,          // the field of the latest edit, where its effect is shown
  pending: false,        // an evaluation of the latest edition is on its way
  timer: null,
  shown: null,           // {edition, profile, result, svg}: the evaluation the result panels draw
  caseEdition: 0,        // the edition that brought the case in the editor (what an edit is compared with)
  changes: null,         // {edition, field, diff}: what the latest edit gained and lost
  why: null,             // {id, origin, edition, answer, error}: the open why / why not
  pinned: null,          // a profile
  compare: null,         // {edition, diff, error}
  sweep: null,           // {request, edition, answer}
  sweepRefused: {},      // sweep box -> message
  messages: { case: "", file: "", paste: "", pin: "", sweep: "" },
};
const drawn = new Map();  // panel -> what it was last drawn from (a panel is redrawn only when that changes)

function $(id) { return document.getElementById(id); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a node's children; a part left out (null, false) is left out, never written as "null". */
function put(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

function clone(value) { return JSON.parse(JSON.stringify(value)); }

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body) };
  let response;
  try {
    response = await window.fetch(path, init);  // looked up at each call: a test may wrap it
  } catch (error) {
    throw new Error("the page could not reach icitrace serve: is it still running?");
  }
  const type = response.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(data.error || (data.detail && JSON.stringify(data.detail)) || String(data));
  return data;
}

// --- words ------------------------------------------------------------------------------------------

/** A server message in the page's words: no CLI flags, no JSON spelling of a band. */
function pageWords(message) {
  return message.replace(/^profile: /, "")
    .replace(/ \(not a string\)/g, "").replace(/JSON number/g, "number")
    .replace(/\{"at_least": ([^,}]+), "below": ([^}]+)\}/g, ">=$1 <$2")
    .replace(/\{"at_least": ([^}]+)\}/g, ">=$1").replace(/\{"below": ([^}]+)\}/g, "<$1")
    .replace(/--(from|to|step)\b/g, "“$1”");
}

/** The fields a server message names: `field "tmb": …` or `fields "pd_l1_cps" and "pd_l1_tps": …`. */
function fieldsNamed(message) {
  const head = /^(?:profile: )?fields? ((?:"[^"]+"(?:, | and )?)+):/.exec(message);
  return head ? [...head[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
}

function labelOf(name) {
  return (LABELS[name] || [])[0] || sentence(((state.schema.properties[name] || {}).description) || name);
}

function sentence(text) { return text ? text[0].toUpperCase() + text.slice(1) : text; }

/** A number as Python's show_number writes it (10 not 10.0). */
function showNumber(n) { return String(n); }

function show(value) {
  if (value === null || value === undefined) return "unknown";
  if (typeof value === "object" && !Array.isArray(value))  // a band, as Band.show writes it: ">=1 <5"
    return [value.at_least !== undefined ? ">=" + showNumber(value.at_least) : "",
      value.below !== undefined ? "<" + showNumber(value.below) : ""].join(" ").trim();
  return Array.isArray(value) ? "[" + value.join(", ") + "]" : String(value);
}

function cites(citations) { return citations.join("; "); }

/** render/prose.py's closeness: how near a borderline value is to its line. */
function closeness(b) {
  const gap = showNumber(Math.round(Math.abs(b.value - b.threshold) * 1e6) / 1e6);
  const where = b.side === "below" ? "under" : b.value > b.threshold ? "over" : "at";
  const distance = where !== "at" ? `${gap} ${where}` : "exactly at";
  return `${b.field} ${showNumber(b.value)} is ${distance} ${b.cutoff} ${showNumber(b.threshold)} ${b.unit} `
    + `(borderline within ${showNumber(b.margin)} ${b.side} the line)`;
}

// The deciding unknowns (the JSON's older key, next_measurements, is read while it is the only one).
function unknownsOf(r) { return r.deciding_unknowns || r.next_measurements || []; }

// The answer first, as the CLI's summary gives it: findings by kind, candidates firmest chain first,
// the standing candidate as a note, what rests on a borderline value, the deciding unknown.
function summaryLines(r) {
  const s = r.summary;
  if (!s) return [];
  const ids = (list) => (list.length ? list.join(", ") : "none");
  const lines = [
    el("li", {}, `Mechanisms: ${ids(s.mechanisms)}`),
    el("li", {}, `Biomarker signals: ${ids(s.biomarker_signals)}`),
    el("li", {}, `Candidate strategies (${NOTES.chain}): `
      + (s.strategies.length ? s.strategies.map((c) => `${c.id} [${c.chain_evidence}]`
        + (c.rests_on_borderline.length ? ` (rests on borderline ${c.rests_on_borderline.join(", ")})` : "")).join("; ")
        : "none")),
  ];
  for (const st of s.standing || []) lines.push(el("li", {}, `Standing candidate, ${NOTES.standing}: ${st.id}`));
  for (const b of s.borderline || []) {
    const resting = [...(b.findings || []), ...(b.strategies || [])];
    lines.push(el("li", {}, `Borderline: ${b.field} near ${b.cutoff}; `
      + (resting.length ? `${resting.join(", ")} rest${resting.length === 1 ? "s" : ""} on it` : "nothing derived rests on it")));
  }
  lines.push(el("li", {}, `The deciding unknown: ${s.deciding_unknown || "none (no undecided rule waits on an unknown field)"}`));
  return [el("ul", { "data-summary": "" }, lines)];
}

function caveatLine(c) { return `${c.text} (${cites(c.citations)})`; }

function maturityLine(s) {
  const m = s.maturity;
  if (!m) return "not given in this rule base";
  return `(${m.citation === "conclusion" ? "the review's conclusion" : m.citation}): ${m.text}`;
}

// --- the profile editor: built from the schema once; the profile is data, each box writes one field ---

function kindOf(spec) {
  const arms = spec.anyOf || [spec];
  if (arms.some((a) => a.type === "number")) return "number";
  if (arms.some((a) => a.enum)) return "level";
  if (arms.some((a) => a.type === "boolean")) return "bool";
  if (arms.some((a) => a.type === "array")) return "list";
  return "text";
}

function numberArm(spec) { return (spec.anyOf || [spec]).find((a) => a.type === "number") || {}; }

function buildEditor() {
  const form = $("fields");
  const cutoffs = Object.entries(state.rules.cutoffs);
  for (const [name, spec] of Object.entries(state.schema.properties)) {
    if (name === "$schema") continue;
    const kind = kindOf(spec), id = "field-" + name;
    let control, extra = null;
    if (kind === "level" || kind === "bool") {
      const values = kind === "bool" ? [["true", "yes"], ["false", "no"]] : (spec.anyOf || [spec]).find((a) => a.enum).enum.map((v) => [v, v]);
      control = el("select", {}, el("option", { value: "" }, "unknown"), values.map(([v, text]) => el("option", { value: v }, text)));
    } else if (kind === "list") {
      control = el("textarea", { rows: 2, spellcheck: false, placeholder: "unknown" });
      extra = el("label", { class: "none" }, el("input", { type: "checkbox", id: id + "-none" }), "none found");
      extra.firstChild.addEventListener("change", () => edited(name));
    } else if (name === "description") {
      control = el("textarea", { rows: 3, placeholder: "unknown" });
    } else {
      control = el("input", { type: "text", placeholder: "unknown", spellcheck: false });
    }
    control.id = id;
    control.name = name;
    control.setAttribute("aria-describedby", `${id}-message ${id}-help`);
    // "change" too: a box emptied by a script (or a browser's autofill) may send no "input"
    control.addEventListener("input", () => edited(name));
    control.addEventListener("change", () => edited(name));
    const [words, unit] = LABELS[name] || [labelOf(name), ""];
    const lines = cutoffs.filter(([, c]) => c.field === name).map(([cut, c]) => `${cut} ${c.value} ${c.unit} (${c.cite})`);
    form.append(el("div", { class: "field", "data-field": name },
      el("label", { htmlFor: id, title: `${name}: ${spec.description || ""}` }, words, unit ? el("span", { class: "unit" }, ` (${unit})`) : null),
      control, extra,
      el("p", { id: id + "-message", class: "message" }),
      el("div", { id: id + "-effect", class: "effect", "data-effect": name, hidden: true }),
      el("p", { id: id + "-help", class: "cutoffs" }, `key ${name}` + (lines.length ? ` · cut-off${lines.length > 1 ? "s" : ""}: ${lines.join("; ")}` : ""))));
    state.fields.push({ name, kind, spec });
    if (kind === "number") $("sweep-field").append(el("option", { value: name }, `${words} (${name})`));
  }
}

/** One box read: {value} (undefined: unknown) or {refused: why}, in the page's words. */
function readField(field) {
  const box = $("field-" + field.name);
  switch (field.kind) {
    case "number": return readNumber(field, box.value.trim());
    case "level": return { value: box.value === "" ? undefined : box.value };
    case "bool": return { value: box.value === "" ? undefined : box.value === "true" };
    case "list": {
      if ($(box.id + "-none").checked) return { value: [] };
      const items = box.value.split("\n").filter((line) => line.trim() !== "");  // each item as typed
      return { value: items.length ? items : undefined };
    }
    default: return { value: box.value === "" ? undefined : box.value };  // as typed: spaces and lines kept
  }
}

function readNumber(field, text) {
  if (text === "") return { value: undefined };
  const arm = numberArm(field.spec);
  const unit = Object.values(state.rules.cutoffs).filter((c) => c.field === field.name).map((c) => c.unit)[0] || "";
  const range = `a number from ${arm.minimum} to ${arm.maximum}${unit ? " " + unit : ""}, or a band such as >=1 <5`;
  const number = (t) => {
    const n = Number(t);
    if (!Number.isFinite(n)) throw new Error(`${t} is not a finite number: give ${range}`);
    if (n < arm.minimum || n > arm.maximum) throw new Error(`${t} is out of range: give ${range}`);
    return n;
  };
  const levels = ((field.spec.anyOf || []).find((a) => a.enum) || {}).enum || [];
  if (levels.includes(text)) return { value: text };  // an assay's banded level (IC2+): the server reads its band
  try {
    if (NUMBER.test(text)) return { value: number(text) };
    const band = BAND.exec(text);
    if (band && (band[1] !== undefined || band[2] !== undefined)) {
      const out = {};
      if (band[1] !== undefined) out.at_least = number(band[1]);
      if (band[2] !== undefined) out.below = number(band[2]);
      if (out.at_least !== undefined && out.below !== undefined && out.at_least >= out.below)
        throw new Error(`${text} holds no value: in a band the lower bound (>=) is below the upper (<)`);
      return { value: out };
    }
    return { refused: `give a number such as 9.9, or a band such as >=1 <5 (not “${text}”)` };
  } catch (error) {
    return { refused: error.message };
  }
}

/** Write the profile's values into the boxes: only when a whole profile comes (a case, a link, a file). */
function showProfile() {
  for (const field of state.fields) {
    const box = $("field-" + field.name), value = state.profile[field.name];
    if (field.kind === "list") {
      $(box.id + "-none").checked = Array.isArray(value) && value.length === 0;
      box.disabled = Array.isArray(value) && value.length === 0;
      box.value = Array.isArray(value) ? value.join("\n") : "";
    } else if (field.kind === "bool") box.value = value === undefined ? "" : String(value);
    else box.value = value === undefined ? "" : field.kind === "number" ? show(value) : String(value);
  }
}

function edited(name) {
  const field = state.fields.find((f) => f.name === name);
  const read = readField(field);
  if (field.kind === "list") $("field-" + name).disabled = $(`field-${name}-none`).checked;
  if (read.refused === state.refused[name]
      && JSON.stringify(read.refused ? null : read.value) === JSON.stringify(read.refused ? null : state.profile[name])) return;  // nothing new
  if (read.refused) state.refused[name] = read.refused;
  else {
    delete state.refused[name];
    if (read.value === undefined) delete state.profile[name];
    else state.profile[name] = read.value;
  }
  state.serverRefused = null;  // the server's refusal was of the profile before this edit
  state.started = true;
  newEdition("edit", name);
}

function valid() { return Object.keys(state.refused).length === 0 && !state.serverRefused; }

/** The profile changed: every answer asked before is now for an older edition. */
function newEdition(origin, field) {
  state.edition += 1;
  state.origin = origin;
  state.edited = field;
  state.changes = null;
  clearTimeout(state.timer);
  state.pending = valid();
  if (valid()) {
    history.replaceState(null, "", "#profile=" + encodeURIComponent(JSON.stringify(state.profile)));
    state.timer = setTimeout(evaluate, origin === "edit" ? 250 : 0);
  }
  render();
}

/** A whole profile replaces the one in the editor: a new case, so its old answers go. */
function replaceProfile(profile) {
  state.profile = {};
  for (const [key, value] of Object.entries(profile)) if (value !== null && value !== undefined) state.profile[key] = value;
  state.refused = {};
  state.serverRefused = null;
  state.why = null;
  state.sweep = null;
  state.sweepRefused = {};
  state.started = true;
  for (const key of Object.keys(state.messages)) state.messages[key] = "";
  showProfile();
  state.caseEdition = state.edition + 1;
  newEdition("case", null);
}

// --- asking the server: each answer carries its edition, and is dropped when an edit has overtaken it ---

async function evaluate() {
  const edition = state.edition, profile = clone(state.profile), whyId = state.why && state.why.id;
  // what the reader saw before this edit (of this case: a case still loading is no "before")
  const before = state.origin === "edit" && state.shown && state.shown.edition >= state.caseEdition ? state.shown.profile : null;
  const field = state.edited;
  try {
    const query = whyId ? "?why_not=" + encodeURIComponent(whyId) : "";
    const [result, svg] = await Promise.all([api("/api/evaluate" + query, profile), api("/api/graph", profile)]);
    if (edition !== state.edition) return;  // a newer edit: its own evaluation is on the way
    state.pending = false;
    state.shown = { edition, profile, result, svg };
    if (whyId && state.why && state.why.id === whyId)
      state.why = { ...state.why, edition, answer: result.why_not[0], error: "" };
    render();
  } catch (error) {
    if (edition !== state.edition) return;
    state.pending = false;
    state.serverRefused = { fields: fieldsNamed(error.message), message: error.message };
    render();
    return;
  }
  // what follows the profile: what this edit changed, the pinned comparison, the sweep
  if (before && field) {
    api("/api/diff", { a: before, b: profile }).then((diff) => {
      if (edition !== state.edition) return;
      state.changes = { edition, field, diff };
      render();
      const note = $(`field-${field}-effect`);
      if (note && document.activeElement === $("field-" + field)) note.scrollIntoView({ block: "nearest" });
    }, () => {});
  }
  if (state.pinned) comparePinned(edition, profile);
  if (state.sweep) runSweep(state.sweep.request, edition, profile);
}

function comparePinned(edition, profile) {
  api("/api/diff", { a: state.pinned, b: profile }).then((diff) => {
    if (edition === state.edition) { state.compare = { edition, diff }; render(); }
  }, (error) => {
    if (edition === state.edition) { state.compare = { edition, error: pageWords(error.message) }; render(); }
  });
}

function askWhy(id, origin) {
  if (state.why && state.why.id === id && state.why.origin === origin) { closeWhy(); return; }
  state.why = { id, origin, edition: state.edition, answer: null, error: "" };
  if (!valid()) {
    state.why.error = "A value in the profile is refused: correct it, and the answer will be for the profile in the editor.";
    render();
    return;
  }
  const edition = state.edition, profile = clone(state.profile);
  render();
  api("/api/evaluate?why_not=" + encodeURIComponent(id), profile).then((result) => {
    if (edition !== state.edition || !state.why || state.why.id !== id) return;  // overtaken: dropped
    state.why = { ...state.why, edition, answer: result.why_not[0], error: "" };
    render();
  }, (error) => {
    if (edition !== state.edition || !state.why || state.why.id !== id) return;
    state.why = { ...state.why, edition, error: pageWords(error.message) };
    render();
  });
}

function closeWhy() {
  const was = state.why;
  state.why = null;
  render();
  const back = was && (was.origin === "graph" ? document.querySelector(`#graph [data-id="${CSS.escape(was.id)}"]`)
    : document.querySelector(`#catalogue [data-id="${CSS.escape(was.id)}"]`));
  if (back) back.focus();
}

function sweepRequest() {
  const refused = {}, read = {};
  for (const part of ["from", "to", "step"]) {
    const text = $("sweep-" + part).value.trim();
    if (!NUMBER.test(text) || !Number.isFinite(Number(text))) refused[part] = `“${part}” is a number, such as ${part === "step" ? "1" : "0"}`;
    else read[part] = Number(text);
  }
  if (!refused.step && read.step <= 0) refused.step = "the step is more than 0";
  if (!refused.from && !refused.to && read.from > read.to) refused.to = "“to” is at least “from”";
  if (Object.keys(refused).length === 0) {
    const count = Math.floor((read.to - read.from) / read.step + 1e-9) + 1;
    if (count > MAX_SWEEP) refused.step = `${count.toLocaleString("en")} values: the page shows at most ${MAX_SWEEP}; take a larger step or a shorter range`;
  }
  state.sweepRefused = refused;
  return Object.keys(refused).length ? null : { field: $("sweep-field").value, ...read };
}

function sweep() {
  state.messages.sweep = "";
  const request = sweepRequest();
  if (request && !valid()) state.messages.sweep = "A value in the profile is refused: correct it, then sweep.";
  if (!request || !valid()) { state.sweep = null; render(); return; }  // no chart for another question
  state.sweep = { request, edition: state.edition, answer: null };
  runSweep(request, state.edition, clone(state.profile));
}

function runSweep(request, edition, profile) {
  render();
  api("/api/sweep", { profile, ...request }).then((answer) => {
    if (edition !== state.edition || !state.sweep || state.sweep.request !== request) return;  // dropped
    state.sweep = { request, edition, answer };
    render();
  }, (error) => {
    if (edition !== state.edition || !state.sweep || state.sweep.request !== request) return;
    state.sweep = null;
    state.sweepRefused = { step: pageWords(error.message.replace(/^field [a-z0-9_]+: /, "")) };
    render();
  });
}

function pin() {
  if (!valid()) { state.messages.pin = "A value in the profile is refused: correct it, then pin."; render(); return; }
  state.messages.pin = "";
  state.pinned = clone(state.profile);
  state.compare = null;
  comparePinned(state.edition, clone(state.profile));
  render();
}

function unpin() {
  state.pinned = null;
  state.compare = null;
  render();
}

// --- loading and saving profiles ----------------------------------------------------------------------

const FROM = { link: "The shared link", paste: "That JSON", file: "That file", case: "That case" };
const WHERE = { link: "case", paste: "paste", file: "file", case: "case" };

/** A profile as text: the server reads it first, as `icitrace suggest` reads a file, so an unknown or
 * identifying key, a repeated key or a number out of range is refused in the reader's words. */
async function loadText(text, from) {
  try {
    await api("/api/evaluate", text);
    replaceProfile(JSON.parse(text));
    if (from === "paste") $("paste").removeAttribute("aria-invalid");
  } catch (error) {
    state.messages[WHERE[from]] = `${FROM[from]} cannot be used, and the profile was not changed: ${pageWords(error.message)}`;
    if (from === "paste") $("paste").setAttribute("aria-invalid", "true");
    render();
    $(WHERE[from] + "-message").scrollIntoView({ block: "nearest" });
  }
}

async function loadCase(name) {
  if (!name) return;
  try {
    const profile = clone(state.cases[name] || await api("/api/profiles/" + encodeURIComponent(name)));
    replaceProfile({ id: name, ...profile });  // named as the CLI names it: the file's stem
  } catch (error) {
    state.messages.case = `That case could not be loaded: ${error.message}`;
    render();
  }
}

function download() {
  if (!valid()) {
    state.messages.file = "A value in the profile is refused: correct it, then download.";
    render();
    return;
  }
  state.messages.file = "";
  render();
  const blob = new Blob([JSON.stringify(state.profile, null, 2) + "\n"], { type: "application/json" });
  const link = el("a", { href: URL.createObjectURL(blob), download: (state.profile.id || "profile") + ".json" });
  document.body.append(link);
  link.click();
  link.remove();
}

function fromAddress() {
  const shared = /^#profile=(.*)$/s.exec(location.hash);
  if (!shared) return;
  let text;
  try {
    text = decodeURIComponent(shared[1]);
  } catch (error) {  // a link cut short or changed after it was copied
    state.messages.case = "The shared link cannot be read: it was cut short or changed after it was copied. "
      + "Ask for the link again, or pick a case.";
    render();
    $("case-message").scrollIntoView({ block: "nearest" });
    return;
  }
  loadText(text, "link");
}

// --- drawing the page from the state --------------------------------------------------------------------

function render() {
  renderMessages();
  renderFields();
  renderStatus();
  $("start").hidden = state.started;
  $("intro").hidden = state.started;
  $("jump").textContent = state.started ? "Go to the result, below the profile" : "See the teaching cases, each with what it shows";
  $("jump").setAttribute("href", state.started ? "#results" : "#start");
  for (const part of document.querySelectorAll("#results > section")) part.hidden = !state.started;
  renderGraph();
  renderCatalogue();
  renderWhy();
  renderCompare();
  renderSweep();
  renderDetails();
  renderPanelStates();
}

/** Draw a panel only when what it is drawn from has changed (a redraw would lose the reader's focus). */
function once(panel, key, draw) {
  if (drawn.get(panel) === key) return;
  drawn.set(panel, key);
  draw();
}

function renderMessages() {
  for (const [where, id] of [["case", "case-message"], ["file", "file-message"], ["paste", "paste-message"],
    ["pin", "pin-message"]]) {
    if ($(id).textContent !== state.messages[where]) $(id).textContent = state.messages[where];
  }
  const parts = ["from", "to", "step"].filter((p) => state.sweepRefused[p]);
  const sweepText = [state.messages.sweep, ...parts.map((p) => state.sweepRefused[p])].filter(Boolean).join(" ");
  if ($("sweep-message").textContent !== sweepText) $("sweep-message").textContent = sweepText;
  for (const part of ["from", "to", "step"]) mark($("sweep-" + part), state.sweepRefused[part], "sweep-message");
}

function mark(box, refused, messageId) {
  if (refused) {
    box.setAttribute("aria-invalid", "true");
    box.setAttribute("aria-describedby", messageId);
  } else {
    box.removeAttribute("aria-invalid");
    box.removeAttribute("aria-describedby");
  }
}

function serverSays(name) {
  const s = state.serverRefused;
  if (!s || !s.fields.includes(name)) return "";
  return sentence(pageWords(s.message).replace(/^fields? (?:"[^"]+"(?:, | and )?)+: /, ""));
}

function renderFields() {
  const changes = state.changes && state.changes.edition === state.edition ? state.changes : null;
  for (const field of state.fields) {
    const box = $("field-" + field.name), says = state.refused[field.name] || serverSays(field.name);
    if (says) box.setAttribute("aria-invalid", "true");
    else box.removeAttribute("aria-invalid");
    const message = $(`field-${field.name}-message`);
    if (message.textContent !== says) message.textContent = says;
    const effect = $(`field-${field.name}-effect`);
    const key = changes && changes.field === field.name ? changes : null;
    once("effect-" + field.name, key, () => {
      effect.hidden = !key;
      effect.replaceChildren(...(key ? effectWords(key.diff) : []));
    });
  }
}

function effectWords(d) {
  const changed = d.changed_fields.map((c) => `${c.field} ${show(c.before)} -> ${show(c.after)}`).join("; ") || "no value";
  const list = (shifts, word) => (shifts.length
    ? [`${word} `, ...shifts.flatMap((s, i) => [i ? ", " : "", el("span", { class: word }, `${s.kind} ${s.id}`)])] : []);
  const gained = list(d.gained, "gained"), lost = list(d.lost, "lost");
  const said = gained.length && lost.length ? [...gained, "; ", ...lost, "."] : gained.length || lost.length ? [...gained, ...lost, "."] : [];
  return [el("strong", {}, `This edit (${changed}) `), ...(said.length ? said : ["changed no finding or strategy."])];
}

function renderStatus() {
  const r = state.shown && state.shown.result;
  const named = state.profile.id !== undefined ? state.profile.id : null;
  $("versions").textContent = r ? `icitrace ${r.icitrace_version} | rules ${r.rules_version} (${r.rules_digest}) | profile `
    + (r.profile.id === "profile" && named === null ? "(unnamed)" : r.profile.id) : "";
  let look = "", says = "";
  const refused = Object.entries(state.refused);
  if (refused.length || state.serverRefused) {
    const names = refused.length ? refused.map(([name]) => labelOf(name)) : state.serverRefused.fields.map(labelOf);
    const why = refused.length ? refused[0][1] : pageWords(state.serverRefused.message);
    look = `Out of date: ${names.join(", ") || "the profile"} refused. Everything below is for an earlier profile until it is corrected.`;
    says = `${names.join(", ") || "The profile"}: ${why}. The results are out of date until it is corrected.`;
  } else if (state.pending) {
    look = "Updating…";
  } else if (r) {
    look = "Up to date with the profile in the editor.";
    says = `${r.profile.id}: ${new Set(r.findings.map((f) => f.id)).size} findings, ${r.strategies.length} strategies.`;
    const c = state.changes;
    if (c && c.edition === state.edition) {
      const part = (shifts, word) => (shifts.length ? `${word} ${shifts.map((s) => `${s.kind} ${s.id}`).join(", ")}` : "");
      const both = [part(c.diff.gained, "gained"), part(c.diff.lost, "lost")].filter(Boolean).join(" and ");
      says += ` The edit of ${c.field} ${both || "changed no finding or strategy"}.`;
    }
  }
  $("state").textContent = look;
  $("state").classList.toggle("stale", look.startsWith("Out of date"));
  if ($("status").textContent !== says) $("status").textContent = says;  // announced only when it changes
}

// the graph ------------------------------------------------------------------------------------------

function renderGraph() {
  const shown = state.shown;
  once("graph", shown && shown.svg, () => {
    if (!shown) { $("graph").replaceChildren(); return; }
    if (!shown.result.findings.length && !shown.result.strategies.length) {
      $("graph").replaceChildren(el("p", { class: "muted" }, "Nothing to draw yet: no finding follows from the values known so far."));
      return;
    }
    const doc = new DOMParser().parseFromString(shown.svg, "image/svg+xml");
    const svg = document.importNode(doc.documentElement, true);
    const boxes = [...svg.querySelectorAll("[data-id]")];
    for (const node of boxes) {
      node.dataset.label = node.getAttribute("aria-label") || "";
      node.addEventListener("click", () => askWhy(node.getAttribute("data-id"), "graph"));
      node.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();  // Space would scroll the page
          askWhy(node.getAttribute("data-id"), "graph");
        }
      });
    }
    svg.setAttribute("data-keys", "arrows");
    $("graph").replaceChildren(svg);
    roving(svg, boxes);
  });
  const gained = new Set(state.changes && state.changes.edition === state.edition ? state.changes.diff.gained.map((s) => s.id) : []);
  for (const node of $("graph").querySelectorAll("[data-id]")) {
    const id = node.getAttribute("data-id"), isNew = gained.has(id);
    node.classList.toggle("gained", isNew);
    node.classList.toggle("asked", !!(state.why && state.why.origin === "graph" && state.why.id === id));
    node.setAttribute("aria-label", node.dataset.label + (isNew ? " Gained by the last edit." : ""));
  }
  graphHint();
}

function graphHint() {
  const graph = $("graph");
  $("graph-hint").hidden = !(graph.firstElementChild && graph.scrollWidth > graph.clientWidth + 1);
}

/** One Tab stop for a group of buttons; the arrow keys, Home and End move between them. */
function roving(container, items) {
  items.forEach((item, i) => item.setAttribute("tabindex", i === 0 ? "0" : "-1"));
  container.addEventListener("focusin", (event) => {
    if (!items.includes(event.target)) return;
    for (const item of items) item.setAttribute("tabindex", item === event.target ? "0" : "-1");
  });
  container.addEventListener("keydown", (event) => {
    const at = items.indexOf(event.target);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    items[(to + items.length) % items.length].focus();
  });
}

// why or why not ---------------------------------------------------------------------------------------

const STATES = { reached: ["✓", "reached"], open: ["?", "undecided"], not: ["–", "not reached"] };

function buildCatalogue() {
  const group = (title, entries, kind) => {
    const buttons = entries.map(([id, c]) => {
      const b = el("button", { type: "button", class: "conclusion", "data-id": id, title: c.label, "aria-expanded": "false" },
        el("span", { class: "mark", "aria-hidden": "true" }), id, el("span", { class: "sr" }), el("span", { class: "badge" }));
      b.addEventListener("click", () => askWhy(id, kind));
      return b;
    });
    const box = el("div", { class: "chips", role: "group", "aria-label": `${title}: why or why not`, "data-keys": "arrows",
      "aria-describedby": "chip-legend", "data-kind": kind }, el("strong", { "aria-hidden": "true" }, title), buttons);
    roving(box, buttons);
    return box;
  };
  $("catalogue").replaceChildren(group("Findings", Object.entries(state.rules.findings), "findings"),
    group("Strategies", Object.entries(state.rules.strategies), "strategies"));
}

function renderCatalogue() {
  const r = state.shown && state.shown.result;
  $("catalogue").hidden = !r;
  if (!r) return;
  const reached = new Set([...r.findings.map((f) => f.id), ...r.strategies.map((s) => s.id)]);
  const open = new Set(r.not_evaluated.map((n) => n.concludes));
  const c = state.changes && state.changes.edition === state.edition ? state.changes.diff : null;
  const gained = new Set(c ? c.gained.map((s) => s.id) : []), lost = new Set(c ? c.lost.map((s) => s.id) : []);
  for (const b of $("catalogue").querySelectorAll(".conclusion")) {
    const id = b.getAttribute("data-id");
    const is = reached.has(id) ? "reached" : open.has(id) ? "open" : "not";
    const shift = gained.has(id) ? "gained" : lost.has(id) ? "lost" : "";
    const className = `conclusion ${is}${shift ? " " + shift : ""}`;
    if (b.className !== className) b.className = className;
    b.querySelector(".mark").textContent = STATES[is][0];
    b.querySelector(".sr").textContent = `, ${STATES[is][1]}${shift ? `, ${shift} by the last edit` : ""}`;
    b.querySelector(".badge").textContent = shift;
    b.querySelector(".badge").hidden = !shift;
    b.setAttribute("aria-expanded", String(!!(state.why && state.why.origin !== "graph" && state.why.id === id)));
  }
}

function renderWhy() {
  const w = state.why;
  // The card comes with the answer (or the refusal); until then the chip says it is open. A card
  // already shown for the same question keeps its place and takes the new answer.
  const ready = w && (w.answer || w.error) ? w : null;
  once("why", ready, () => {
    const card = ready && document.querySelector(`[data-why="${CSS.escape(ready.id)}"]`);
    const here = card && card.dataset.origin === ready.origin;
    for (const old of document.querySelectorAll("[data-why]")) if (!here || old !== card) old.remove();
    if (!ready) return;
    if (here) { card.replaceChildren(...whyCard(ready).childNodes); return; }
    const fresh = whyCard(ready);
    if (ready.origin === "graph") $("why-graph").append(fresh);
    else document.querySelector(`#catalogue [data-id="${CSS.escape(ready.id)}"]`).after(fresh);  // the line after the chip's
  });
  placeGraphWhy();
}

function placeGraphWhy() {
  const card = $("why-graph").firstElementChild;
  if (!card) return;
  const box = document.querySelector(`#graph [data-id="${CSS.escape(state.why.id)}"] rect`);
  const wrap = $("graph-wrap").getBoundingClientRect();
  const at = box ? box.getBoundingClientRect() : { left: wrap.left, bottom: wrap.top };
  const left = Math.max(0, Math.min(at.left - wrap.left, wrap.width - card.offsetWidth));
  card.style.left = `${Math.round(left)}px`;
  card.style.top = `${Math.round(at.bottom - wrap.top + 6)}px`;
}

function whyCard(w) {
  const e = w.answer;
  const close = el("button", { type: "button", class: "close", "aria-label": `Close the answer for ${w.id}` }, "×");
  close.addEventListener("click", closeWhy);
  const card = el("div", { class: "card why", "data-why": w.id, "data-origin": w.origin, "data-panel": "why", id: "why-" + w.id, role: "region",
    "aria-label": `Why or why not: ${w.id}` }, close);
  card.addEventListener("keydown", (event) => { if (event.key === "Escape") closeWhy(); });
  if (w.error) card.append(el("p", { class: "message" }, w.error));
  else card.append(el("h4", {}, `${e.holds ? "Why" : "Why not"}: ${e.id} (${e.label})`),
    el("p", { class: "summary" }, e.summary), el("ul", { class: "outline" }, routeItems(e)));
  return card;
}

/** `icitrace explain`'s outline (render/prose.py explanation_lines): every route and check, and below a
 * finding its own routes, down to the value that decides. */
function routeItems(e) {
  const words = { fired: "fired", failed: "does not fire", undecided: "undecided, needs " };
  const marks = { holds: ["✓", "holds"], fails: ["✗", "fails"], unknown: ["?", "unknown"] };
  return e.routes.map((route) => el("li", { class: "route" },
    `rule ${route.rule}: ${words[route.status]}${route.status === "undecided" ? route.missing.join(", ") : ""}`,
    el("ul", {}, route.checks.map((check) => el("li", { class: `check ${check.status}` },
      el("span", { class: "mark", "aria-hidden": "true" }, marks[check.status][0]),
      el("span", { class: "sr" }, marks[check.status][1] + ": "), check.condition,
      check.finding && (e.holds || check.status !== "holds") ? el("ul", {}, routeItems(check.finding)) : null)))));
}

// what if -------------------------------------------------------------------------------------------------

function renderCompare() {
  $("pin").hidden = !!state.pinned;
  $("unpin").hidden = !state.pinned;
  $("pinned-note").textContent = state.pinned ? `Pinned: ${state.pinned.id || "this profile"}. Change fields, or load another case, to see what is gained and lost.` : "";
  once("compare", state.pinned ? state.compare : null, () => {
    const d = state.compare && state.compare.diff;
    if (!state.pinned || !state.compare) { $("compare").replaceChildren(); return; }
    if (state.compare.error) { $("compare").replaceChildren(el("p", { class: "message" }, state.compare.error)); return; }
    const shift = (s, cls) => el("li", { class: cls }, `${s.kind} ${s.id}` + (s.rules.length ? ` (${cls === "gained" ? "by" : "was by"} ${s.rules.join(", ")})` : ""),
      s.now.map((line) => el("div", { class: "muted" }, "now " + line)));
    $("compare").replaceChildren(el("div", { class: "card", "data-compare": "" },
      el("h4", {}, "Compared with the pinned profile"),
      el("div", {}, "changed: " + (d.changed_fields.map((c) => `${c.field} ${show(c.before)} -> ${show(c.after)}`).join("; ") || "nothing")),
      el("div", {}, `gained (${d.gained.length})`), el("ul", {}, d.gained.map((s) => shift(s, "gained"))),
      el("div", {}, `lost (${d.lost.length})`), el("ul", {}, d.lost.map((s) => shift(s, "lost")))));
  });
}

function renderSweep() {
  once("sweep", state.sweep, () => {
    const s = state.sweep;
    if (!s) { $("sweep").replaceChildren(); return; }
    if (!s.answer) { $("sweep").replaceChildren(el("p", { class: "muted" }, `Sweeping ${s.request.field}…`)); return; }
    put($("sweep"), sweepChart(s.answer, $("sweep").clientWidth < 640));
  });
}

/** The sweep as a chart: a row of cells per conclusion (one cell per value, at least 1 px, so 500 fit),
 * the cut-offs of the field drawn as lines across, an axis under it. Narrow: each name above its row. */
function sweepChart(s, narrow) {
  const n = s.values.length;
  const at = (value) => s.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
  const cutoffs = Object.entries(state.rules.cutoffs).filter(([, c]) => c.field === s.field)
    .map(([name, c]) => ({ name, c, i: s.values.findIndex((v) => typeof v === "number" && v >= c.value) }))
    .filter((c) => c.i >= 0 && !(c.i === 0 && s.values[0] > c.c.value));
  const out = s.values.map(() => false);
  for (const run of s.impossible) for (let i = at(run.at[0]); i >= 0 && i <= at(run.at[1]); i++) out[i] = true;
  const names = Object.keys(s.present);
  const grid = el("div", { class: "sweep-grid" + (narrow ? " narrow" : ""), "data-sweep": s.field, "aria-hidden": "true" });
  const lead = narrow ? 0 : 1;  // the names' column, beside the cells on a wide screen
  grid.style.gridTemplateColumns = `${lead ? "max-content " : ""}repeat(${n}, minmax(1px, 1fr))`;
  const place = (node, row, column, span) => {
    node.style.gridRow = String(row);
    node.style.gridColumn = span ? `${column} / ${span}` : String(column);
    grid.append(node);
    return node;
  };
  const cell = (i) => i + 1 + lead;  // the grid column of value i
  // a row per cut-off, its name at its line; the line itself runs down through the conclusions
  cutoffs.forEach((c, k) => {
    const late = c.i > n * 0.6;
    const node = place(el("span", { class: "cut-label" }, `${c.name} ${c.c.value} ${c.c.unit}`), k + 1,
      late ? 1 + lead : cell(c.i), late ? cell(c.i) : -1);
    if (late) node.style.textAlign = "right";
  });
  const first = cutoffs.length + 1, per = narrow ? 2 : 1;
  names.forEach((name, r) => {
    const row = first + r * per;
    const present = s.values.map(() => false);
    for (const [a, b] of s.present[name]) for (let i = at(a); i >= 0 && i <= at(b); i++) present[i] = true;
    if (narrow) place(el("span", { class: "name" }, name), row, 1, -1);
    else place(el("span", { class: "name" }, name), row, 1);
    s.values.forEach((v, i) => place(el("span", { class: out[i] ? "out" : present[i] ? "on" : "off", "data-row": name,
      title: `${s.field} ${show(v)}: ${out[i] ? "ruled out" : present[i] ? "present" : "absent"}` }), row + per - 1, cell(i)));
  }
  );
  const below = first + names.length * per;
  for (const c of cutoffs) place(el("span", { class: "cut" }), `${first} / ${below}`, cell(c.i));
  // the axis: its values at a few ticks, as many as the width holds
  if (lead) place(el("span", { class: "name" }, `${s.field} =`), below, 1);
  const every = Math.max(1, Math.ceil((n - 1) / (narrow ? 4 : 6)));
  const ticks = [...new Set([...Array.from({ length: Math.ceil(n / every) }, (_, k) => k * every), n - 1])]
    .filter((i, k, all) => i === n - 1 || n - 1 - i >= every / 2 || all.length === 1);
  for (const i of ticks) {
    const late = i > n * 0.8 && i > 0;
    const node = place(el("span", { class: late ? "tick late" : "tick" }, (i === 0 && narrow ? `${s.field} = ` : "") + show(s.values[i])),
      below, late ? Math.max(1 + lead, cell(i) - every + 1) : cell(i), late ? cell(i) + 1 : Math.min(n + 1 + lead, cell(i) + every));
    if (late) node.style.textAlign = "right";
  }
  const legend = el("div", { class: "legend" },
    el("span", {}, el("span", { class: "key on" }), "present"), el("span", {}, el("span", { class: "key off" }), "absent"),
    out.some(Boolean) ? el("span", {}, el("span", { class: "key out" }), "ruled out by the rest of the profile") : null,
    cutoffs.length ? el("span", {}, el("span", { class: "key cut" }), "a cut-off of the rules") : null);
  const ruledOut = s.impossible.map((run) => el("li", {},
    `${s.field} ${show(run.at[0])}${JSON.stringify(run.at[1]) === JSON.stringify(run.at[0]) ? "" : " .. " + show(run.at[1])}: ${run.reason}`));
  const words = names.map((name) => el("li", {}, `${name}: present at ` + s.present[name].map(([a, b]) =>
    (JSON.stringify(a) === JSON.stringify(b) ? show(a) : `${show(a)} .. ${show(b)}`)).join(", ")));
  return [
    el("p", { class: "muted" }, `Where each conclusion appears across ${s.field}, ${show(s.values[0])} to ${show(s.values[n - 1])} `
      + `(${n} values, the rest of the profile as it is); point at a cell for its value.`),
    legend,
    n ? el("div", { class: "sweep-chart", tabIndex: 0, role: "group",  // focusable: it may scroll sideways
      "aria-label": `Sweep chart of ${s.field}; the chart in words follows` }, grid) : el("p", {}, "No value of the sweep could be evaluated."),
    s.transitions.length ? el("div", {}, el("strong", {}, "Where conclusions change"), el("ul", {}, s.transitions.map((t) =>
      el("li", {}, `at ${s.field} = ${show(t.at)}: ${t.changes.join("; ")}`)))) : null,
    ruledOut.length ? el("div", { "data-ruled-out": "" }, "Not evaluated (the rest of the profile rules these values out):", el("ul", {}, ruledOut)) : null,
    el("details", {}, el("summary", {}, "The chart in words"), el("ul", {}, words)),
  ];
}

// the rationale, as `suggest` gives it ---------------------------------------------------------------------

function renderDetails() {
  once("details", state.shown, () => {
    const r = state.shown && state.shown.result;
    for (const id of ["summary", "findings", "strategies", "borderline", "unknowns", "references"]) $(id).replaceChildren();
    if (!r) return;
    $("summary").replaceChildren(...summaryLines(r));
    const near = new Map(r.borderline.flatMap((b) => Object.keys(b.rules).map((rule) => [rule, b])));
    const ids = [...new Set(r.findings.map((f) => f.id))];
    $("findings").replaceChildren(...(ids.length ? ids.map((id) => findingCard(r.findings.filter((f) => f.id === id), near))
      : [el("p", { class: "muted" }, "No finding: none follows from the values known so far.")]));
    $("strategies").replaceChildren(...(r.strategies.length
      ? [...r.strategies.map(strategyCard), el("p", { class: "muted" }, "Order: " + NOTES.chain)]
      : [el("p", { class: "muted" }, "No strategy: the review's strategies are listed for findings, and no finding reaches one.")]));
    $("borderline").replaceChildren(...(r.borderline.length ? [el("ul", {}, r.borderline.map((b) => el("li", { "data-borderline": b.field },
      `${closeness(b)}: ${Object.entries(b.rules).map(([rule, did]) => `${rule} ${did ? "fired" : "did not fire"}`).join(", ")}`,
      b.margin_reason ? el("div", { class: "muted" }, "why this margin: " + b.margin_reason) : null))),
    el("p", { class: "muted" }, NOTES.assay)] : [el("p", { class: "muted" }, "None: no known value lies near a cut-off.")]));
    const banded = Object.values(r.profile.values).some((v) => v !== null && typeof v === "object" && !Array.isArray(v));
    put($("unknowns"),
      el("p", {}, `${r.not_evaluated.length} rules undecided because a field is unknown`
        + (banded ? " or known only as a band across a cut-off" : "") + (r.not_evaluated.length ? "." : ": none.")),
      unknownsOf(r).length ? el("p", { class: "muted" }, NOTES.unknowns) : null,
      el("ul", {}, unknownsOf(r).map((m) => el("li", {}, m.sentence, el("div", { class: "muted" }, "rules: " + m.rules.join(", "))))));
    const review = Object.entries(r.references).filter(([k]) => REVIEW_CITATION.test(k)).map(([k, v]) => [k, v.split(": ").slice(1).join(": ")]);
    const outside = Object.entries(r.references).filter(([k]) => k !== "review" && !REVIEW_CITATION.test(k));
    put($("references"),
      r.references.review ? el("p", {}, `The review: “${r.references.review}” (${NOTES.references})`) : null,
      el("ul", {}, review.map(([k, v]) => el("li", {}, `${k} ${v}`))),
      outside.length ? el("p", {}, NOTES.outside) : null,
      outside.length ? el("ul", {}, outside.map(([k, v]) => el("li", {}, `${k}: ${v}`))) : null);
  });
}

function because(items, onlyProfile) {
  return items.filter((b) => !onlyProfile || b.field !== "finding").map((b) => el("div", { class: "because" }, "because " + b.condition));
}

function findingCard(group, near) {
  const f = group[0];
  return el("div", { class: "card", "data-finding": f.id },
    el("h4", {}, f.label, el("span", { class: "tag" }, f.kind)),
    el("p", {}, f.summary),
    group.map((g) => el("div", {},
      el("div", {}, `rule ${g.rule}: ${g.title}`),
      el("div", { class: "muted" }, `${g.evidence} | cites ${cites(g.citations)}`),
      because(g.because, false),
      el("p", {}, "why: " + g.explanation),
      g.borderline && near.get(g.rule) ? el("p", { class: "borderline-note" }, "borderline: " + closeness(near.get(g.rule))) : null)),
    [...new Set(group.flatMap((g) => g.caveats.map(caveatLine)))].map((c) => el("p", { class: "muted" }, "caveat: " + c)));
}

function strategyCard(s) {
  return el("div", { class: "card", "data-strategy": s.id },
    el("h4", {}, s.label),
    el("p", {}, s.summary),
    el("p", { class: "muted" }, "maturity: " + maturityLine(s)),
    s.routes.map((route, i) => el("div", {},
      el("div", {}, `route ${i + 1}: from ${route.from_findings.join(", ") || "the profile"} by rule ${route.rule}`),
      el("div", { class: "muted" }, `${route.evidence} | chain: ${route.chain_evidence} (weakest link) | cites ${cites(route.citations)}`),
      because(route.because, true),
      el("p", {}, "why: " + route.explanation),
      route.rests_on_borderline.length ? el("p", { class: "borderline-note" }, "rests on a borderline value: " + route.rests_on_borderline.join(", ")) : null)),
    s.not_in_review ? el("p", { class: "muted" }, "not in the review: " + s.not_in_review) : null,
    s.outside_review ? el("p", { class: "outside" }, "outside the review: " + caveatLine(s.outside_review)) : null);
}

/** Each panel says whether it belongs to the profile in the editor. */
function renderPanelStates() {
  const base = !state.shown ? "current" : !valid() ? "out-of-date" : state.shown.edition === state.edition ? "current" : "updating";
  const follows = (answerEdition) => (answerEdition === state.edition && valid() ? "current" : !valid() ? "out-of-date" : "updating");
  for (const panel of document.querySelectorAll("[data-panel]")) {
    const kind = panel.dataset.panel;
    let now = base;
    if (kind === "why" && state.why) now = state.why.error && !valid() ? "out-of-date" : state.why.answer || state.why.error ? follows(state.why.edition) : "updating";
    if (kind === "compare" && state.compare) now = follows(state.compare.edition);
    if (kind === "sweep" && state.sweep) now = state.sweep.answer ? follows(state.sweep.edition) : "updating";
    if (panel.dataset.state !== now) panel.dataset.state = now;
  }
}

// --- start ----------------------------------------------------------------------------------------------

async function start() {
  const header = $("disclaimer");
  new ResizeObserver(() => document.documentElement.style.setProperty("--head", `${header.offsetHeight}px`)).observe(header);
  [state.schema, state.rules] = await Promise.all([api("/api/schema"), api("/api/rules")]);
  $("compare").setAttribute("data-panel", "compare");
  $("sweep").setAttribute("data-panel", "sweep");
  buildEditor();
  buildCatalogue();
  const names = await api("/api/profiles");
  for (const name of names) $("shipped").append(el("option", { value: name }, name));
  $("load-shipped").addEventListener("click", () => loadCase($("shipped").value));
  $("upload").addEventListener("change", async () => { if ($("upload").files[0]) loadText(await $("upload").files[0].text(), "file"); });
  $("use-paste").addEventListener("click", () => loadText($("paste").value, "paste"));
  $("download").addEventListener("click", download);
  $("clear").addEventListener("click", () => replaceProfile({}));
  $("pin").addEventListener("click", pin);
  $("unpin").addEventListener("click", unpin);
  $("sweep-run").addEventListener("click", sweep);
  for (const part of ["from", "to", "step"]) {
    $("sweep-" + part).addEventListener("input", () => {  // a corrected box is no longer marked
      if (state.sweepRefused[part]) { delete state.sweepRefused[part]; render(); }
    });
  }
  // skip links move the focus without touching the address, which holds the profile
  for (const link of document.querySelectorAll(".skip a, .jump a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const target = $(link.getAttribute("href").slice(1));
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    });
  }
  window.addEventListener("hashchange", fromAddress);  // a shared link opened in a tab already on the page
  window.addEventListener("resize", () => {
    graphHint();
    placeGraphWhy();
    const grid = document.querySelector(".sweep-grid");
    if (grid && grid.classList.contains("narrow") !== ($("sweep").clientWidth < 640)) { drawn.delete("sweep"); render(); }
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && state.why && state.why.origin === "graph") closeWhy(); });
  render();
  fromAddress();
  // the first screen: each case with what it shows
  const cases = await Promise.all(names.map((name) => api("/api/profiles/" + encodeURIComponent(name)).catch(() => ({}))));
  names.forEach((name, i) => { state.cases[name] = cases[i]; });
  $("start-cases").replaceChildren(...names.map((name) => {
    const b = el("button", { type: "button" }, el("strong", {}, name), el("span", {}, state.cases[name].description || ""));
    b.addEventListener("click", () => { $("shipped").value = name; loadCase(name); });
    return el("li", {}, b);
  }));
}

document.addEventListener("DOMContentLoaded", start);
