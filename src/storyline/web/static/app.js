// storyline web UI: a small single-page app over the JSON API. No external assets.
"use strict";

const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
  "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const main = document.getElementById("main");
const details = document.getElementById("details");

// Build DOM nodes; text always goes through text nodes, never innerHTML, so article text stays text.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "onclick") node.addEventListener("click", v);
    else if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${res.status}: ${(await res.json().catch(() => ({}))).detail || res.statusText}`);
  return res.json();
}

function entityLink(name) {
  return name ? el("a", { href: `#/entity/${encodeURIComponent(name)}` }, name) : "—";
}

function show(title, ...content) {
  details.hidden = true;
  main.replaceChildren(el("h2", {}, title), ...content.flat(Infinity).filter(c => c !== null && c !== undefined && c !== ""));
}

function eventCard(e) {
  return el("div", { class: "event", "data-type": e.type },
    el("span", { class: "type" }, e.type), " ",
    e.actors.length ? e.actors.map((a, i) => [i ? ", " : "", entityLink(a)]) : el("span", { class: "muted" }, "ukjent aktør"),
    e.targets.length ? [" → ", e.targets.map((a, i) => [i ? ", " : "", entityLink(a)])] : "",
    e.location ? [" i ", entityLink(e.location)] : "",
    el("div", { class: "muted" }, `${e.date || "udatert"} · kilder: ${e.sources.join(", ")} · ${e.reports.length} rapport(er)`),
    el("ul", { class: "reports" }, e.reports.map(r =>
      el("li", {}, el("a", { href: `#/article/${encodeURIComponent(r.document)}` }, r.source || r.document), ": ", r.sentence))));
}

async function timeline(params) {
  const q = new URLSearchParams();
  if (params.get("entity")) q.set("entity", params.get("entity"));
  if (params.get("type")) q.set("type", params.get("type"));
  const data = await api(`/api/timeline?${q}`);
  const form = el("form", { class: "filters" },
    el("input", { name: "entity", placeholder: "Entitet (f.eks. Støre)", value: params.get("entity") || "" }),
    el("select", { name: "type" }, el("option", { value: "" }, "Alle typer"),
      TYPES.map(t => el("option", t === params.get("type") ? { value: t, selected: "" } : { value: t }, t))),
    el("button", { type: "submit" }, "Filtrer"));
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const f = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...f]) if (!v) f.delete(k);
    location.hash = `#/?${f}`;
  });
  const days = data.days.map(d => el("section", { class: "day" }, el("h3", {}, d.date), d.events.map(eventCard)));
  show("Tidslinje", form, days.length ? days : el("p", { class: "muted" }, "Ingen hendelser."));
}

async function mapView() {
  const [base, events] = await Promise.all([api("/basemap.json"), api("/api/events?limit=500")]);
  const located = events.items.filter(e => e.latitude !== null && e.longitude !== null);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "map");
  let [x0, y0, x1, y1] = [-25, -72, 45, -34];  // Europe by default (x = lon, y = -lat)
  if (located.length) {
    const xs = located.map(e => e.longitude), ys = located.map(e => -e.latitude);
    x0 = Math.min(...xs) - 6; x1 = Math.max(...xs) + 6; y0 = Math.min(...ys) - 4; y1 = Math.max(...ys) + 4;
  }
  svg.setAttribute("viewBox", `${x0} ${y0} ${x1 - x0} ${y1 - y0}`);
  for (const d of base.paths) {
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", d);
    svg.append(p);
  }
  const r = Math.max((x1 - x0) / 150, 0.05);
  for (const e of located) {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", e.longitude); c.setAttribute("cy", -e.latitude); c.setAttribute("r", r);
    const t = document.createElementNS(ns, "title");
    t.textContent = `${e.date || ""} ${e.type} i ${e.location}`;
    c.append(t);
    c.addEventListener("click", () => openDetails([eventCard(e)]));
    svg.append(c);
  }
  show("Kart", svg, el("p", { class: "muted" }, `${located.length} hendelser med sted. Grunnkart: Natural Earth.`));
}

async function articles() {
  const data = await api("/api/documents?limit=500");
  show("Artikler", el("table", {}, el("tr", {}, el("th", {}, "Tittel"), el("th", {}, "Kilde"), el("th", {}, "Publisert"),
    el("th", {}, "Versjoner")),
    data.items.map(d => el("tr", {}, el("td", {}, el("a", { href: `#/article/${encodeURIComponent(d.key)}` }, d.title || d.key)),
      el("td", {}, d.source || "—"), el("td", {}, d.published || "—"), el("td", {}, d.versions)))));
}

function openDetails(nodes) {
  details.replaceChildren(el("button", { onclick: () => { details.hidden = true; } }, "Lukk"), ...nodes);
  details.hidden = false;
}

function highlighted(rec) {
  // every character gets the facts that cover it; runs of equal cover become one span
  const n = rec.text.length;
  const cover = Array.from({ length: n }, () => []);
  const names = Object.fromEntries(rec.entities.map(e => [e.id, e.name]));
  const facts = [];
  const add = (kind, item, start, end) => {
    const i = facts.push({ kind, item }) - 1;
    for (let k = start; k < Math.min(end, n); k++) cover[k].push(i);
  };
  rec.quotes.forEach(q => add("quote", q, q.start, q.end));
  rec.entities.forEach(e => e.mentions.forEach(m => add("entity", e, m.start, m.end)));
  rec.figures.forEach(f => add("figure", f, f.start, f.end));
  rec.events.forEach(v => add("event", v, v.start, v.end));
  rec.timexes.forEach(t => add("timex", t, t.start, t.end));
  const box = el("div", { class: "article-text" });
  let k = 0;
  while (k < n) {
    const key = cover[k].join(",");
    let j = k + 1;
    while (j < n && cover[j].join(",") === key) j++;
    const text = rec.text.slice(k, j);
    if (!key) box.append(document.createTextNode(text));
    else {
      const ids = cover[k];
      const span = el("span", { class: [...new Set(ids.map(i => `hl-${facts[i].kind}`))].join(" ") }, text);
      span.addEventListener("click", () => openDetails(ids.map(i => describe(facts[i], names, rec.document.source))));
      box.append(span);
    }
    k = j;
  }
  return box;
}

// publisher: a figure with no source of its own is according to the article's publisher, as in
// `storyline claims` and `diff` (story.queries.according_to)
function describe(fact, names, publisher) {
  const it = fact.item;
  const nm = id => names[id] || "—";
  switch (fact.kind) {
    case "entity": return el("div", { class: "card" }, el("b", {}, "Entitet: "), entityLink(it.name), ` (${it.type})`,
      it.links.iso3166 ? ` · ${it.links.iso3166}` : "", it.aliases.length ? el("div", { class: "muted" }, `Også: ${it.aliases.join(", ")}`) : "");
    case "quote": return el("div", { class: "card" }, el("b", {}, it.direct ? "Direkte sitat" : "Referert tale"),
      el("div", {}, `«${it.text}»`), el("div", { class: "muted" }, `Kilde: ${it.speaker ? nm(it.speaker) : (it.speaker_text || "ukjent")}`,
        it.via.length ? ` via ${it.via.map(nm).join(", ")}` : ""));
    case "figure": return el("div", { class: "card" }, el("b", {}, "Tall: "), it.text,
      el("div", { class: "muted" }, `verdi ${it.value ?? "—"} (${it.qualifier}) · enhet ${it.unit || "—"} · ${it.what || ""} · ifølge ${it.source ? nm(it.source) : (publisher || "—")} · ${it.date || ""}`));
    case "event": return el("div", { class: "card" }, el("span", { class: "type" }, it.type), ` ${it.text}`,
      el("div", { class: "muted" }, `aktører: ${it.actors.map(nm).join(", ") || "—"} · mål: ${it.targets.map(nm).join(", ") || "—"} · sted: ${nm(it.location)} · ${it.date || ""} · ${it.status}`));
    default: return el("div", { class: "card" }, el("b", {}, "Tid: "), `${it.text} = ${it.value} (${it.type})`);
  }
}

async function article(key, params) {
  const version = params.get("v");
  const [rec, versions] = await Promise.all([
    api(`/api/documents/${encodeURIComponent(key)}${version ? `?version=${version}` : ""}`),
    api(`/api/documents/${encodeURIComponent(key)}/versions`)]);
  const picker = el("select", { "aria-label": "versjon" }, versions.versions.map(v =>
    el("option", v === rec.document.version ? { value: v, selected: "" } : { value: v }, `versjon ${v}`)));
  picker.addEventListener("change", () => { location.hash = `#/article/${encodeURIComponent(key)}?v=${picker.value}`; });
  const parts = [el("p", { class: "muted" }, `${rec.document.source || ""} · publisert ${rec.document.published || "—"}`,
    rec.document.live ? " · oppdateres" : "", " · ", picker),
    el("p", { class: "legend" }, el("span", { class: "hl-entity" }, "entitet"), el("span", { class: "hl-quote" }, "sitat"),
      el("span", { class: "hl-figure" }, "tall"), el("span", { class: "hl-event" }, "hendelse"), el("span", { class: "hl-timex" }, "tid")),
    highlighted(rec)];
  if (rec.document.version > 1) {
    const d = await api(`/api/documents/${encodeURIComponent(key)}/diff?to=${rec.document.version}`);
    const rows = [];
    for (const [kind, ch] of Object.entries(d.facts)) {
      ch.added.forEach(x => rows.push(el("li", { class: "diff-add" }, `+ ${kind}: ${x.text || x.name || x.trigger}`)));
      ch.removed.forEach(x => rows.push(el("li", { class: "diff-del" }, `− ${kind}: ${x.text || x.name || x.trigger}`)));
      ch.changed.forEach(x => rows.push(el("li", { class: "diff-chg" }, `~ ${kind}: ${x.from.text || x.from.trigger} → ${x.to.text || x.to.trigger}`)));
    }
    parts.push(el("section", { class: "diff" }, el("h3", {}, `Endringer fra versjon ${d.from} til ${d.to}`), el("ul", {}, rows),
      el("pre", { class: "textdiff" }, d.text_diff.join("\n"))));
  }
  show(rec.document.title || key, ...parts);
}

async function entity(name) {
  const p = await api(`/api/entities/${encodeURIComponent(name)}`);
  show(p.name,
    el("p", { class: "muted" }, `${p.types.join(", ")} · ${p.mentions} omtaler i ${p.documents} artikler`,
      p.links.iso3166 ? ` · ${p.links.iso3166}` : "", p.links.geonames ? ` · GeoNames ${p.links.geonames}` : ""),
    el("p", {}, el("b", {}, "Også kjent som: "), p.aliases.join(", ")),
    el("h3", {}, "Sitater"), p.quotes.length ? el("ul", {}, p.quotes.map(q => el("li", {}, `«${q.text}» `,
      el("a", { href: `#/article/${encodeURIComponent(q.document)}` }, "artikkel")))) : el("p", { class: "muted" }, "Ingen."),
    el("h3", {}, "Hendelser"), p.events.length ? p.events.map(eventCard) : el("p", { class: "muted" }, "Ingen."),
    el("h3", {}, "Tall om"), figureList(p.figures_about),
    el("h3", {}, "Tall oppgitt av"), figureList(p.figures_reported));
}

function figureList(figs) {
  return figs.length ? el("ul", {}, figs.map(f => el("li", {}, `${f.text} (${f.date || "udatert"})`)))
    : el("p", { class: "muted" }, "Ingen.");
}

async function claims() {
  const data = await api("/api/contradictions");
  const side = s => el("div", { class: "card" }, el("div", {}, el("b", {}, s.text)),
    el("div", { class: "muted" }, `ifølge ${s.according_to} · ${s.date || "udatert"} · `,
      el("a", { href: `#/article/${encodeURIComponent(s.document)}` }, s.doc_source || s.document)));
  show("Motstridende tall", data.items.length ? data.items.map(c => el("section", { class: "claim" },
    el("h3", {}, `${c.quantity} (${(c.date || "").slice(0, 10)})`), el("div", { class: "sides" }, c.sides.map(side))))
    : el("p", { class: "muted" }, "Ingen motstridende tall."));
}

async function route() {
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === (parts[0] || "timeline"));
  try {
    if (!parts.length || parts[0] === "timeline") await timeline(params);
    else if (parts[0] === "map") await mapView();
    else if (parts[0] === "articles") await articles();
    else if (parts[0] === "article") await article(parts.slice(1).join("/"), params);
    else if (parts[0] === "entity") await entity(parts.slice(1).join("/"));
    else if (parts[0] === "claims") await claims();
    else show("Fant ikke siden");
  } catch (err) {
    show("Feil", el("p", { class: "error" }, err.message));
  }
}

window.addEventListener("hashchange", route);
route();
