// The static site's SPARQL page: Oxigraph's WebAssembly build holds the site's own dumps in the
// reader's browser, and a CodeMirror editor with SPARQL highlighting asks it. Nothing is fetched
// from elsewhere. Everything this page must know of twingraph (the stored queries as Python runs
// them, where their parameters go, how a place is found, the limits) comes from the page's JSON
// block, written by `twingraph site` (src/twingraph/static_site/query_page.py): declared once there.

import initOxigraph, { Store } from "oxigraph/web.js";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";

const config = JSON.parse(document.getElementById("twingraph-query-config").textContent);
const $ = (id) => document.getElementById(id);
const text = config.messages;

let store = null;
let editor = null;
let chosen = null; // the stored query whose text is in the editor, untouched
let settingText = false;
const timings = { opened: performance.timeOrigin, ready: null, firstAnswer: null };
window.twingraphQueryPage = { timings, answer: null };

function say(message, kind = "status") {
  const status = $("query-status");
  status.textContent = message;
  status.className = kind;
}

// ---- SPARQL text, as src/twingraph/sparql/text.py writes it -------------------------------------

const ECHAR = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

function hex8(code) {
  return "\\U" + code.toString(16).toUpperCase().padStart(8, "0");
}

function stringLiteral(value) {
  let out = "";
  let previousWasBackslash = false;
  for (const char of value) {
    const code = char.codePointAt(0);
    if (code >= 0xd800 && code <= 0xdfff) throw new Error(text.loneSurrogate);
    if (previousWasBackslash && (char === "u" || char === "U")) out += hex8(code);
    else if (ECHAR[char]) out += ECHAR[char];
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f) || [0x2028, 0x2029, 0xfeff].includes(code)) out += hex8(code);
    else out += char;
    previousWasBackslash = char === "\\";
  }
  return '"' + out + '"';
}

const IRI_BODY = /^[^<>"{}|^`\\\x00-\x20]*$/;

function iri(value) {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || !IRI_BODY.test(value)) throw new Error(text.notAnIri.replace("{value}", value));
  return "<" + value + ">";
}

function withValues(query, valuesAt, bindings) {
  const names = Object.keys(bindings).sort();
  if (names.length === 0) return query;
  const block = `VALUES (${names.map((n) => "?" + n).join(" ")}) { (${names.map((n) => bindings[n]).join(" ")}) }`;
  return query.slice(0, valuesAt) + " " + block + "\n" + query.slice(valuesAt);
}

// ---- parameters and places ------------------------------------------------------------------------

function selectRows(query) {
  return JSON.parse(store.query(query, { results_format: "application/sparql-results+json" })).results.bindings;
}

function placesFor(lookup, binding) {
  const rows = selectRows(withValues(lookup.text, lookup.valuesAt, binding));
  return [...new Set(rows.map((row) => row.place.value))].sort();
}

function resolvePlace(value) {
  let byIri = [];
  try {
    byIri = placesFor(config.placeByIri, { given: iri(value) });
  } catch (e) {
    byIri = [];
  }
  if (byIri.length === 1) return iri(byIri[0]);
  const matches = placesFor(config.placeByName, { name: stringLiteral(value.trim()) });
  if (matches.length === 1) return iri(matches[0]);
  if (matches.length > 1) throw new Error(text.severalPlaces.replace("{value}", value).replace("{places}", matches.join(", ")));
  throw new Error(text.noPlace.replace("{value}", value));
}

function boundTerm(parameter, value) {
  if (parameter.type === "place") return resolvePlace(value);
  if (parameter.type === "string") return stringLiteral(value);
  if (parameter.type === "integer") {
    if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new Error(text.notInteger.replace("{name}", parameter.name).replace("{value}", value));
    return `"${BigInt(value.trim())}"^^<http://www.w3.org/2001/XMLSchema#integer>`;
  }
  if (parameter.type === "iri") return iri(value);
  throw new Error(parameter.type);
}

function parameterValues(query) {
  const bindings = {};
  for (const parameter of query.parameters) {
    const field = $("parameter-" + parameter.name);
    const value = field && field.value !== "" ? field.value : parameter.default;
    if (value === null || value === undefined) throw new Error(text.needsValue.replace("{name}", parameter.name));
    bindings[parameter.name] = boundTerm(parameter, value);
  }
  return bindings;
}

// ---- answers: lists sorted as src/twingraph/sparql/results.py sorts them -------------------------

function sortLists(answer, lists) {
  if (!answer.results) return answer;
  for (const [name, separator] of lists) {
    for (const row of answer.results.bindings) {
      const cell = row[name];
      if (cell && cell.type === "literal" && cell.value.includes(separator)) {
        cell.value = cell.value.split(separator).sort(codepointOrder).join(separator);
      }
    }
  }
  return answer;
}

function codepointOrder(a, b) {
  const x = [...a].map((c) => c.codePointAt(0));
  const y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

const FORMULA_START = config.csv.formulaStart;
const NUMBER = new RegExp("^(?:" + config.csv.number + ")$");

function csvCell(value) {
  if (FORMULA_START.some((start) => value.startsWith(start)) && !NUMBER.test(value)) value = "'" + value;
  return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}

function toCsv(answer) {
  if (answer.boolean !== undefined) return `${config.csv.askColumn}\r\n${answer.boolean}\r\n`;
  const variables = answer.head.vars;
  const lines = [variables.map(csvCell).join(",")];
  for (const row of answer.results.bindings) {
    const cells = variables.map((v) => {
      const cell = row[v];
      if (!cell) return "";
      return cell.type === "bnode" ? "_:" + cell.value : cell.value;
    });
    lines.push(cells.length === 1 && cells[0] === "" ? '""' : cells.map(csvCell).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

function showTable(answer) {
  const table = $("query-table");
  table.replaceChildren();
  if (answer.boolean !== undefined) {
    table.append(row("td", [String(answer.boolean)]));
    return 1;
  }
  const thead = document.createElement("thead");
  thead.append(row("th", answer.head.vars));
  const tbody = document.createElement("tbody");
  for (const binding of answer.results.bindings) {
    tbody.append(row("td", answer.head.vars.map((v) => (binding[v] ? binding[v].value : ""))));
  }
  table.append(thead, tbody);
  return answer.results.bindings.length;
}

function row(cellTag, values) {
  const tr = document.createElement("tr");
  for (const value of values) {
    const cell = document.createElement(cellTag);
    cell.textContent = value;
    tr.append(cell);
  }
  return tr;
}

function offerDownload(id, body, type, name) {
  const link = $(id);
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([body], { type }));
  link.download = name;
  link.hidden = false;
}

function run() {
  if (!store) return;
  const started = performance.now();
  try {
    let query = editor.state.doc.toString();
    let lists = [];
    if (chosen && query === chosen.text) {
      query = withValues(chosen.sparql, chosen.valuesAt, parameterValues(chosen));
      lists = chosen.lists;
    }
    const result = store.query(query, { results_format: "application/sparql-results+json" });
    if (typeof result !== "string") {
      // CONSTRUCT and DESCRIBE: their triples as N-Triples.
      const triples = result.map((quad) => quad.toString() + " .").join("\n") + "\n";
      $("query-table").replaceChildren(row("td", [triples]));
      offerDownload("download-json", triples, "application/n-triples", "answer.nt");
      $("download-csv").hidden = true;
      say(text.triples.replace("{count}", result.length));
      window.twingraphQueryPage.answer = triples;
    } else {
      const answer = sortLists(JSON.parse(result), lists);
      const count = showTable(answer);
      const json = JSON.stringify(answer);
      offerDownload("download-json", json, "application/sparql-results+json", (chosen ? chosen.name : "answer") + ".json");
      offerDownload("download-csv", toCsv(answer), "text/csv", (chosen ? chosen.name : "answer") + ".csv");
      say(text.rows.replace("{count}", count).replace("{ms}", Math.round(performance.now() - started)));
      window.twingraphQueryPage.answer = answer;
    }
    if (timings.firstAnswer === null) timings.firstAnswer = performance.now();
  } catch (error) {
    say(String(error.message || error), "error");
    window.twingraphQueryPage.answer = null;
  }
}

// ---- the page -------------------------------------------------------------------------------------

function choose(query) {
  chosen = query;
  settingText = true;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: query.text } });
  settingText = false;
  const form = $("query-parameters");
  form.replaceChildren();
  for (const parameter of query.parameters) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.id = "parameter-" + parameter.name;
    input.name = parameter.name;
    input.value = parameter.default ?? "";
    input.title = parameter.description;
    label.append(parameter.name + " ", input);
    form.append(label, " ");
  }
}

async function loadData() {
  let total = 0;
  for (const dump of config.dumps) {
    const response = await fetch(new URL(dump, window.location.href));
    if (!response.ok) throw new Error(text.dumpMissing.replace("{name}", dump).replace("{status}", response.status));
    const length = Number(response.headers.get("Content-Length") || 0);
    if (total + length > config.maxBytes) throw new Error(text.tooLarge);
    const body = await response.text();
    total += body.length;
    if (total > config.maxBytes) throw new Error(text.tooLarge);
    store.load(body, { format: "application/n-triples" });
  }
}

async function start() {
  editor = new EditorView({
    parent: $("query-editor"),
    state: EditorState.create({
      doc: "",
      extensions: [
        lineNumbers(),
        history(),
        keymap.of([{ key: "Mod-Enter", run: () => (run(), true) }, ...defaultKeymap, ...historyKeymap]),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !settingText && chosen) {
            chosen = null; // edited: an ad-hoc query now, run as written
            $("query-parameters").replaceChildren();
          }
        }),
      ],
    }),
  });
  $("query-fallback").hidden = true;
  for (const button of document.querySelectorAll("button[data-query]")) {
    button.disabled = false;
    button.addEventListener("click", () => choose(config.queries.find((q) => q.name === button.dataset.query)));
  }
  $("query-run").addEventListener("click", run);
  if (typeof WebAssembly !== "object") {
    say(text.noWasm, "error");
    return;
  }
  say(text.loading);
  try {
    await initOxigraph({ module_or_path: new URL(config.wasm, import.meta.url) });
    store = new Store();
    await loadData();
  } catch (error) {
    store = null;
    say(String(error.message || error), "error");
    return;
  }
  timings.ready = performance.now();
  $("query-run").disabled = false;
  say(text.ready.replace("{count}", store.size).replace("{ms}", Math.round(timings.ready)));
  choose(config.queries[0]);
}

start();
