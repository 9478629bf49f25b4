// storyline web UI: a single-page app over the JSON API. Every asset comes from this server
// (static/vendor: Leaflet, markercluster, vis-timeline, topojson-client, the world-atlas base map).
"use strict";

const main = document.getElementById("main");
const details = document.getElementById("details");
let L10N = null;  // labels.json: Norwegian names of types, statuses, qualifiers and time words
// the base map as GeoJSON, fetched once per page: Natural Earth's 1:110m countries, and its
// 1:50m ones (seven times the bytes, the most of a story page's drawing time) only once a map is zoomed in
const BASEMAPS = {};
const DETAILED_FROM_ZOOM = 7;  // past the first view of a story (fitted at zoom 6 at most)

// Build DOM nodes; text always goes through text nodes, never innerHTML, so article text stays text.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// labels.json is asked for at once; every page's data is handed over only with it, so a page asks
// for its data before the libraries and the labels are there, and draws with both
const LABELS = fetchJSON("/labels.json").then(labels => { L10N = labels; });
// Leaflet, vis-timeline and topojson-client (deferred scripts) have run once the document is loaded
const LIBS = document.readyState === "loading"
  ? new Promise(resolve => document.addEventListener("DOMContentLoaded", resolve)) : Promise.resolve();

async function api(path) {
  const [body] = await Promise.all([fetchJSON(path), LABELS]);
  return body;
}

async function fetchJSON(path) {
  const res = await fetch(path);
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    const detail = Array.isArray(body.detail) ? body.detail.map(d => d.msg).join("; ") : body.detail;
    throw new Error(`${res.status}: ${detail || res.statusText}`);
  }
  return res.json();
}

// every page of a paged list endpoint, up to `cap` items
async function all(path, cap = 5000) {
  const sep = path.includes("?") ? "&" : "?";
  let items = [], total = Infinity;
  while (items.length < Math.min(total, cap)) {
    const page = await api(`${path}${sep}offset=${items.length}&limit=500`);
    total = page.total;
    if (!page.items.length) break;
    items = items.concat(page.items);
  }
  return items;
}

const enc = encodeURIComponent;
const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const typeLabel = t => L10N.event_types[t] || t;
const statusLabel = s => L10N.statuses[s] || s;

// A TIMEX value in Norwegian: 2024-06-13TEV -> "torsdag kveld 13. juni 2024", P3D -> "3 dager"
function timeLabel(value) {
  if (!value) return "udatert";
  const dur = /^PT?(\d+(?:\.\d+)?)(Y|M|W|D|H)$/.exec(value);
  if (dur) {
    const unit = value.startsWith("PT") && dur[2] === "M" ? "MIN" : dur[2];
    const [one, many] = L10N.duration_units[unit];
    return `${dur[1]} ${Number(dur[1]) === 1 ? one : many}`;
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(value);
  if (week) return `uke ${Number(week[2])} ${week[1]}`;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}:\d{2}|[A-Z]{2}))?/.exec(value);
  if (!m) return value;
  const [, y, mo, d, t] = m;
  if (!mo) return y;
  const month = L10N.months[Number(mo) - 1];
  if (!d) return `${month} ${y}`;
  const weekday = L10N.weekdays[new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDay()];
  const part = t ? (L10N.day_parts[t] || `kl. ${t}`) : "";
  return `${weekday}${part ? " " + part : ""} ${Number(d)}. ${month} ${y}`;
}

// the instant a date value stands for on the time axis (a day part at its middle hour)
function instant(value) {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2})|T([A-Z]{2}))?/.exec(value || "");
  if (!m) return null;
  const hour = m[4] ? Number(m[4]) : { MO: 8, MI: 11, AF: 15, EV: 19, NI: 1, DT: 12 }[m[6]] ?? 12;
  return new Date(Number(m[1]), Number(m[2] || 7) - 1, Number(m[3] || (m[2] ? 15 : 1)), hour, Number(m[5] || 0));
}

function entityLink(name, story) {
  return name ? el("a", { href: `#/entity/${enc(name)}${story ? `?story=${story}` : ""}` }, name) : "—";
}

function factLink(doc, version, fact, label) {
  const q = new URLSearchParams();
  if (version) q.set("v", version);
  if (fact) q.set("fact", fact);
  return el("a", { href: `#/article/${enc(doc)}?${q}`, class: "report-link" }, label);
}

function show(title, ...content) {
  details.hidden = true;
  main.replaceChildren(el("h2", {}, title), ...content.flat(Infinity).filter(c => c !== null && c !== undefined && c !== ""));
}

function openDetails(nodes) {
  details.replaceChildren(el("button", { class: "close", onclick: () => { details.hidden = true; } }, "Lukk"), ...nodes);
  details.hidden = false;
  details.querySelector("button").focus();
}

function pill(type) {
  return el("span", { class: `type t-${type}` }, typeLabel(type));
}

function eventCard(e, story) {
  return el("div", { class: "event", "data-type": e.type, "data-id": e.id },
    pill(e.type), " ",
    e.actors.length ? e.actors.map((a, i) => [i ? ", " : "", entityLink(a, story)]) : el("span", { class: "muted" }, "ukjent aktør"),
    e.targets.length ? [" → ", e.targets.map((a, i) => [i ? ", " : "", entityLink(a, story)])] : "",
    e.location ? [" i ", entityLink(e.location, story)] : "",
    el("div", { class: "muted" }, `${timeLabel(e.date)} · kilder: ${e.sources.join(", ")} · `,
      el("a", { href: `#/event/${e.id}` }, `hendelse ${e.id}`)),
    el("ul", { class: "reports" }, e.reports.map(r =>
      el("li", {}, factLink(r.document, r.version, r.event, r.source || r.document), ": ", r.sentence))));
}

// -- the front page: stories ---------------------------------------------------------------
async function stories() {
  const items = await all("/api/stories");
  const card = st => el("article", { class: "story-card" },
    el("h3", {}, el("a", { href: `#/story/${st.id}` }, st.title || `Sak ${st.id}`)),
    el("div", { class: "muted" }, st.first_date === st.last_date ? timeLabel(st.first_date)
      : `${timeLabel(st.first_date)} – ${timeLabel(st.last_date)}`),
    el("div", {}, st.sources.join(", ") || "ukjent kilde"),
    el("div", { class: "counts" }, [count(st.articles, "artikkel", "artikler"), count(st.events, "hendelse", "hendelser"),
      count(st.quotes, "sitat", "sitater"), count(st.figures, "tall", "tall")].join(" · ")));
  show("Saker", el("p", { class: "muted" }, `${items.length} saker, nyeste først.`),
    items.length ? el("div", { class: "stories" }, items.map(card)) : el("p", { class: "muted" }, "Ingen saker ennå: legg inn artikler med storyline ingest."));
}

// -- events: timeline, map, list and export over one story or all ---------------------------
function filterQuery(params, story) {
  const q = new URLSearchParams();
  for (const k of ["type", "entity", "source", "from", "to"]) if (params.get(k)) q.set(k, params.get(k));
  if (story) q.set("story", story);
  return q;
}

function filterForm(params, route, sources, names) {
  const value = k => params.get(k) || "";
  const form = el("form", { class: "filters", "aria-label": "Filtre" },
    el("label", {}, "Type ", el("select", { name: "type" }, el("option", { value: "" }, "Alle typer"),
      Object.keys(L10N.event_types).map(t => el("option", { value: t, selected: t === value("type") }, typeLabel(t))))),
    el("label", {}, "Navn ", el("input", { name: "entity", list: "entity-names", value: value("entity"), placeholder: "f.eks. Støre", maxlength: 200 })),
    el("datalist", { id: "entity-names" }, names.map(n => el("option", { value: n }))),
    el("label", {}, "Kilde ", el("select", { name: "source" }, el("option", { value: "" }, "Alle kilder"),
      sources.map(s => el("option", { value: s, selected: s === value("source") }, s)))),
    el("label", {}, "Fra ", el("input", { type: "date", name: "from", value: value("from") })),
    el("label", {}, "Til ", el("input", { type: "date", name: "to", value: value("to") })),
    el("label", {}, "Grupper ", el("select", { name: "group" },
      [["", "ingen"], ["type", "type"], ["actor", "aktør"]].map(([v, t]) => el("option", { value: v, selected: v === value("group") }, t)))),
    el("button", { type: "submit" }, "Filtrer"));
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const f = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...f]) if (!v) f.delete(k);
    location.hash = `${route}?${f}`;
  });
  return form;
}

function exportLinks(q) {
  const href = fmt => { const x = new URLSearchParams(q); x.set("format", fmt); return `/api/export?${x}`; };
  return el("div", { class: "export" }, "Last ned det som vises: ",
    el("a", { href: href("csv"), download: "storyline-events.csv", class: "button", "data-format": "csv" }, "CSV (ACLED)"),
    el("a", { href: href("jsonl"), download: "storyline-events.jsonl", class: "button", "data-format": "jsonl" }, "JSONL"),
    el("a", { href: href("parquet"), download: "storyline-events.parquet", class: "button", "data-format": "parquet" }, "Parquet"));
}

// vis-timeline draws its axis labels through moment; these give them in Norwegian
function axisLabels() {
  const d = m => m.toDate();
  const mon = m => L10N.months[d(m).getMonth()];
  return {
    minorLabels: (m, scale) => {
      const t = d(m);
      switch (scale) {
        case "millisecond": case "second": case "minute": case "hour":
          return `${String(t.getHours()).padStart(2, "0")}:${String(t.getMinutes()).padStart(2, "0")}`;
        case "weekday": return `${L10N.weekdays[t.getDay()].slice(0, 3)} ${t.getDate()}.`;
        case "day": return `${t.getDate()}.`;
        case "week": return `${t.getDate()}. ${mon(m).slice(0, 3)}`;
        case "month": return mon(m).slice(0, 3);
        default: return String(t.getFullYear());
      }
    },
    majorLabels: (m, scale) => {
      const t = d(m);
      switch (scale) {
        case "millisecond": case "second": case "minute": case "hour":
          return `${L10N.weekdays[t.getDay()]} ${t.getDate()}. ${mon(m)} ${t.getFullYear()}`;
        case "weekday": case "day": case "week": return `${mon(m)} ${t.getFullYear()}`;
        case "month": return String(t.getFullYear());
        default: return "";
      }
    },
  };
}

function drawTimeline(box, events, params, onRange, onPick) {
  const dated = events.filter(e => instant(e.date));
  const groupBy = params.get("group");
  const groupOf = e => groupBy === "type" ? e.type : groupBy === "actor" ? (e.actors[0] || "ukjent aktør") : null;
  const items = dated.map(e => ({
    id: e.id, start: instant(e.date), className: `t-${e.type}`, group: groupOf(e) ?? undefined,
    content: el("span", {}, `${typeLabel(e.type)}: ${e.actors[0] || e.location || e.reports[0].trigger}`),
  }));
  const options = {
    zoomMin: 60 * 60 * 1000, zoomMax: 20 * 365 * 24 * 3600 * 1000, stack: true, showCurrentTime: false,
    format: axisLabels(), locale: "en", orientation: "top", maxHeight: 420, tooltip: { followMouse: false },
    margin: { item: 4 },
  };
  const win = (params.get("win") || "").split(",").map(Number);
  if (win.length === 2 && win.every(Number.isFinite) && win[0] < win[1]) Object.assign(options, { start: new Date(win[0]), end: new Date(win[1]) });
  const timeline = groupBy
    ? new vis.Timeline(box, new vis.DataSet(items), new vis.DataSet([...new Set(items.map(i => i.group))].sort()
      .map(g => ({ id: g, content: el("span", {}, groupBy === "type" ? typeLabel(g) : g) }))), options)
    : new vis.Timeline(box, new vis.DataSet(items), options);
  timeline.on("rangechanged", ({ start, end }) => onRange(start, end));
  timeline.on("select", ({ items: picked }) => { if (picked.length) onPick(picked[0]); });
  return timeline;
}

function basemap(scale = "110m") {
  BASEMAPS[scale] = BASEMAPS[scale] || Promise.all([api(`/vendor/world-atlas/countries-${scale}.json`), LIBS])
    .then(([w]) => topojson.feature(w, w.objects.countries));
  return BASEMAPS[scale];
}

function drawMap(box, legendTypes, story) {
  const map = L.map(box, { worldCopyJump: false, minZoom: 2, maxZoom: 12, zoomSnap: 0.5, attributionControl: true })
    .setView([62, 12], 4);
  map.attributionControl.setPrefix(false).addAttribution("Grunnkart: Natural Earth");
  // the base map on a canvas: 240 countries as SVG paths cost the page a third of its time
  const renderer = L.canvas({ padding: 0.2 });
  const countries = geo => L.geoJSON(geo, { renderer, interactive: false,
    style: { color: "#b9b4a5", weight: 0.6, fillColor: "#f3f1ea", fillOpacity: 1 } });
  let drawn = null;  // the base map layer on the map
  basemap().then(geo => { if (!drawn) drawn = countries(geo).addTo(map); });
  map.on("zoomend", () => {
    if (box.dataset.basemap || map.getZoom() < DETAILED_FROM_ZOOM) return;
    box.dataset.basemap = "50m";
    basemap("50m").then(geo => {
      if (drawn) drawn.remove();
      drawn = countries(geo).addTo(map).bringToBack();
    });
  });
  const clusters = L.markerClusterGroup({
    maxClusterRadius: 40, showCoverageOnHover: false,
    // a cluster takes the colour of the type most of its events have
    iconCreateFunction: cluster => {
      const counts = {};
      for (const m of cluster.getAllChildMarkers()) counts[m.options.type] = (counts[m.options.type] || 0) + 1;
      const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
      return L.divIcon({ html: `<span>${cluster.getChildCount()}</span>`, className: `cluster t-${top}`, iconSize: [34, 34] });
    },
  }).addTo(map);
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => el("div", { class: "legend-box" }, el("b", {}, "Hendelsestyper"),
    legendTypes.map(t => el("div", {}, el("span", { class: `swatch t-${t}` }), typeLabel(t))));
  legend.addTo(map);
  return {
    map, clusters,
    show(events) {
      clusters.clearLayers();
      const markers = events.filter(e => e.latitude !== null && e.longitude !== null).map(e =>
        L.marker([e.latitude, e.longitude], { type: e.type, keyboard: true, title: `${typeLabel(e.type)} i ${e.location}`,
          icon: L.divIcon({ className: `marker t-${e.type}`, iconSize: [14, 14] }) })
          .bindPopup(() => el("div", { class: "popup" }, eventCard(e, story)), { maxWidth: 360 }));
      clusters.addLayers(markers);
      if (markers.length) map.fitBounds(clusters.getBounds().pad(0.3), { maxZoom: 6 });
      return markers.length;
    },
  };
}

// `sources`: a promise of the sources to filter by (the story's, else every story's)
async function eventsView(storyId, params, route, sources) {
  const q = filterQuery(params, storyId);
  basemap();  // on its way while the rest loads
  const [events, names, sourceList] = await Promise.all([
    all(`/api/events?${q}`),
    all(`/api/entities${storyId ? `?story=${storyId}` : ""}`, 1000),
    sources || all("/api/stories").then(list => [...new Set(list.flatMap(st => st.sources))].sort())]);
  const timelineBox = el("div", { class: "timeline", "aria-label": "Tidslinje" });
  const mapBox = el("div", { class: "map", "aria-label": "Kart" });
  const shownCount = el("p", { class: "muted", "aria-live": "polite" });
  const list = el("div", { class: "event-list" });
  const located = events.filter(e => e.latitude !== null);
  const present = [...new Set(events.map(e => e.type))];
  const section = el("section", { class: "events-view" },
    filterForm(params, route, sourceList, names.map(n => n.name).filter(Boolean)),
    exportLinks(q),
    el("div", { class: "zoom" }, "Tidslinje: ",
      el("button", { type: "button", "data-zoom": "in", "aria-label": "Zoom inn" }, "+"),
      el("button", { type: "button", "data-zoom": "out", "aria-label": "Zoom ut" }, "−"),
      el("button", { type: "button", "data-zoom": "fit" }, "Vis alt")),
    timelineBox, shownCount, mapBox, el("h3", {}, "Hendelsene"), list);
  const renderList = shown => {
    // 50 cards at a time: the page is laid out before the map and the timeline can measure it
    let upTo = 50;
    const more = el("button", { type: "button", class: "more" }, "Vis flere hendelser");
    const fill = () => {
      list.replaceChildren(...shown.slice(0, upTo).map(e => eventCard(e, storyId)));
      if (upTo < shown.length) { more.textContent = `Vis flere hendelser (${shown.length - upTo} til)`; list.append(more); }
    };
    more.addEventListener("click", () => { upTo += 50; fill(); });
    if (shown.length) fill(); else list.replaceChildren(el("p", { class: "muted" }, "Ingen hendelser."));
    shownCount.textContent = `${shown.length} av ${events.length} hendelser i tidsvinduet · ${located.length} med sted på kartet`;
  };
  // the page is in the document before the libraries measure their boxes
  const ready = () => {
    const geo = drawMap(mapBox, present, storyId);
    geo.show(events);
    let shownIds = events.map(e => e.id).join();
    const timeline = drawTimeline(timelineBox, events, params, (start, end) => {
      const inside = events.filter(e => { const t = instant(e.date); return !t || (t >= start && t <= end); });
      // the map is redrawn (and refitted) only when the window shows other events: a pan that
      // keeps the same events, or the range the timeline reports once it is drawn, leaves a zoomed map be
      const ids = inside.map(e => e.id).join();
      if (ids !== shownIds) { shownIds = ids; geo.show(inside); renderList(inside); }
      const p = new URLSearchParams(location.hash.split("?")[1] || "");
      p.set("win", `${start.getTime()},${end.getTime()}`);
      history.replaceState(null, "", `${location.pathname}${location.search}${route}?${p}`);
    }, id => openDetails([eventCard(events.find(e => e.id === id), storyId)]));
    section.querySelector(".zoom").addEventListener("click", ev => {
      const z = ev.target.dataset.zoom;
      if (z === "in") timeline.zoomIn(0.5); else if (z === "out") timeline.zoomOut(0.5); else if (z === "fit") timeline.fit();
    });
    window.__timeline = timeline;
    window.__map = geo.map;
  };
  renderList(events);
  return { section, ready, events };
}

// -- one story ------------------------------------------------------------------------------
function figureChart(series) {
  // one small chart per quantity: value over time, a dot per report, labelled with who said it
  const pts = series.figures.filter(f => f.date && f.value !== null).map(f => ({ ...f, t: instant(f.date) }));
  if (new Set(pts.map(p => p.date.slice(0, 10))).size < 2) return null;  // a series over time needs two days
  const W = 320, H = 120, P = 28;
  const t0 = Math.min(...pts.map(p => p.t)), t1 = Math.max(...pts.map(p => p.t));
  const v1 = Math.max(...pts.map(p => p.value)) || 1;
  const x = t => P + (t1 === t0 ? (W - 2 * P) / 2 : (t - t0) / (t1 - t0) * (W - 2 * P));
  const y = v => H - P + 8 - v / v1 * (H - 2 * P);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${series.quantity} over tid`);
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  add("line", { x1: P, y1: H - P + 8, x2: W - P, y2: H - P + 8, class: "axis" });
  pts.sort((a, b) => a.t - b.t);
  add("polyline", { points: pts.map(p => `${x(p.t)},${y(p.value)}`).join(" "), class: "series" });
  for (const p of pts) {  // each dot links to the figure's sentence
    const link = add("a", { href: `#/article/${enc(p.document)}?fact=${enc(p.figure)}` });
    const c = document.createElementNS(ns, "circle");
    for (const [k, v] of Object.entries({ cx: x(p.t), cy: y(p.value), r: 4 })) c.setAttribute(k, v);
    const title = document.createElementNS(ns, "title");
    title.textContent = `${p.text} ifølge ${p.according_to || "ukjent"} (${timeLabel(p.date)})`;
    c.append(title);
    link.append(c);
  }
  add("text", { x: P, y: H - 4, class: "tick" }, timeLabel(pts[0].date.slice(0, 10)));
  add("text", { x: W - P, y: H - 4, class: "tick end" }, timeLabel(pts[pts.length - 1].date.slice(0, 10)));
  add("text", { x: 2, y: 12, class: "tick" }, v1.toLocaleString("nb-NO"));
  return el("figure", { class: "figure-chart" }, el("figcaption", {}, series.quantity), svg);
}

// a list endpoint shown a page at a time, with a button for the next
function pagedList(path, render, size = 20) {
  const box = el("div", { class: "paged" });
  const more = el("button", { type: "button", class: "more" }, "Vis flere");
  let offset = 0;
  const load = async () => {
    const page = await api(`${path}${path.includes("?") ? "&" : "?"}offset=${offset}&limit=${size}`);
    offset += page.items.length;
    more.before(...page.items.map(render));
    if (!page.total) more.replaceWith(el("p", { class: "muted" }, "Ingen."));
    else if (offset >= page.total) more.remove();
    else more.textContent = `Vis flere (${page.total - offset} til)`;
  };
  more.addEventListener("click", load);
  box.append(more);
  load();
  return box;
}

function quoteItem(q) {
  return el("li", {}, `«${q.text}» `, el("span", { class: "muted" }, "— ", q.speaker || "ukjent kilde", " · "),
    factLink(q.document, q.version, q.quote, q.doc_source || q.document));
}

function contradictionCard(c) {
  const side = s => el("div", { class: "card" }, el("div", {}, el("b", {}, s.text)),
    el("div", { class: "muted" }, `ifølge ${s.according_to || "ukjent"} · ${timeLabel(s.date)} · `,
      factLink(s.document, null, s.figure, s.doc_source || s.document)));
  return el("section", { class: "claim" }, el("h3", {}, `${c.quantity} (${timeLabel((c.date || "").slice(0, 10))})`),
    el("p", { class: "muted" }, c.why), el("div", { class: "sides" }, c.sides.map(side)));
}

async function storyPage(id, params) {
  const story = api(`/api/stories/${id}`);
  // every list asks for its first page now, not once the page above it is drawn
  const people = type => pagedList(`/api/entities?story=${id}&type=${type}`, e => el("li", {},
    entityLink(e.name || e.key, id), el("span", { class: "muted" }, ` ${count(e.mentions, "omtale", "omtaler")} i ${count(e.documents, "artikkel", "artikler")}`)), 10);
  const [persons, organisations] = [people("PER"), people("ORG")];
  const quotes = pagedList(`/api/quotes?story=${id}`, quoteItem);
  const contradictions = pagedList(`/api/contradictions?story=${id}`, contradictionCard, 10);
  const [info, view, claims] = await Promise.all([story, eventsView(id, params, `#/story/${id}`, story.then(i => i.sources)),
    all(`/api/claims?story=${id}`, 500)]);
  const charts = [];  // the six longest series over two days or more, each drawn only when shown
  for (const series of claims.sort((a, b) => b.figures.length - a.figures.length)) {
    const chart = charts.length < 6 && figureChart(series);
    if (chart) charts.push(chart);
  }
  await LIBS;
  show(info.title || `Sak ${id}`,
    el("p", { class: "muted" }, `${timeLabel(info.first_date)} – ${timeLabel(info.last_date)} · ${count(info.articles, "artikkel", "artikler")} fra `,
      info.sources.join(", "), " · ", el("a", { href: `#/articles?story=${id}` }, "artiklene"), " · ",
      el("a", { href: `#/claims?story=${id}` }, "motstridende tall")),
    view.section,
    el("div", { class: "columns" },
      el("section", { class: "people", "data-type": "PER" }, el("h3", {}, "Personer"), el("ul", {}, persons)),
      el("section", { class: "people", "data-type": "ORG" }, el("h3", {}, "Organisasjoner"), el("ul", {}, organisations))),
    el("h3", {}, "Tall over tid"), charts.length ? el("div", { class: "charts" }, charts) : el("p", { class: "muted" }, "Ingen tallserier."),
    el("h3", {}, "Sitater"), el("ul", { class: "quotes" }, quotes),
    el("h3", {}, "Motstridende tall"), contradictions);
  view.ready();
}

async function eventsPage(params) {
  const view = await eventsView(null, params, "#/events", null);
  await LIBS;
  show("Hendelser i alle saker", view.section);
  view.ready();
}

async function eventPage(id) {
  const e = await api(`/api/events/${enc(id)}`);
  show(`${typeLabel(e.type)}, ${timeLabel(e.date)}`, eventCard(e),
    el("p", { class: "muted" }, `${e.reports.length} rapport(er) · fast lenke: #/event/${e.id}`));
}

// -- articles ---------------------------------------------------------------------------------
async function articles(params) {
  const sort = params.get("sort") || "published", order = params.get("order") || "desc";
  const q = new URLSearchParams();
  for (const k of ["q", "source", "story"]) if (params.get(k)) q.set(k, params.get(k));
  q.set("sort", sort); q.set("order", order);
  const rows = await all(`/api/documents?${q}`, 2000);
  const go = changes => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) v ? p.set(k, v) : p.delete(k);
    location.hash = `#/articles?${p}`;
  };
  const head = (key, label) => el("th", { "aria-sort": key === sort ? (order === "asc" ? "ascending" : "descending") : "none" },
    el("button", { type: "button", class: "sort", "data-sort": key,
      onclick: () => go({ sort: key, order: key === sort && order === "desc" ? "asc" : "desc" }) },
    label, key === sort ? (order === "asc" ? " ▲" : " ▼") : ""));
  const form = el("form", { class: "filters" },
    el("label", {}, "Tittel ", el("input", { name: "q", value: params.get("q") || "", maxlength: 200 })),
    el("label", {}, "Kilde ", el("input", { name: "source", value: params.get("source") || "", maxlength: 200 })),
    el("button", { type: "submit" }, "Filtrer"));
  form.addEventListener("submit", ev => { ev.preventDefault(); go(Object.fromEntries(new FormData(form))); });
  show("Artikler", form, el("p", { class: "muted" }, `${rows.length} artikler`),
    el("table", { class: "articles" }, el("thead", {}, el("tr", {}, head("title", "Tittel"), head("source", "Kilde"),
      head("published", "Publisert"), head("versions", "Versjoner"), el("th", {}, "Sak"), el("th", {}, "Original"))),
    el("tbody", {}, rows.map(d => el("tr", {},
      el("td", {}, el("a", { href: `#/article/${enc(d.key)}` }, d.title || d.key)),
      el("td", {}, d.source || "—"), el("td", {}, d.published ? timeLabel(d.published.slice(0, 10)) : "—"),
      el("td", {}, d.versions), el("td", {}, d.story ? el("a", { href: `#/story/${d.story}` }, `sak ${d.story}`) : "—"),
      el("td", {}, /^https?:\/\//.test(d.url || "") ? el("a", { href: d.url, rel: "noopener noreferrer", target: "_blank" }, "åpne") : "—"))))));
}

function highlighted(rec, target) {
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
  if (target) add("target", target, target.start, target.end);
  const box = el("div", { class: "article-text" });
  let k = 0;
  while (k < n) {
    const key = cover[k].join(",");
    let j = k + 1;
    while (j < n && cover[j].join(",") === key) j++;
    const text = rec.text.slice(k, j);
    const ids = cover[k].filter(i => facts[i].kind !== "target");
    if (!cover[k].length) box.append(document.createTextNode(text));
    else {
      const span = el("span", { class: [...new Set(cover[k].map(i => `hl-${facts[i].kind}`))].join(" ") }, text);
      if (ids.length) {
        span.tabIndex = 0;
        const open = () => openDetails(ids.map(i => describe(facts[i], names, rec.document.source)));
        span.addEventListener("click", open);
        span.addEventListener("keydown", ev => { if (ev.key === "Enter") open(); });
      }
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
    case "entity": return el("div", { class: "card" }, el("b", {}, "Entitet: "), entityLink(it.name), ` (${L10N.entity_types[it.type] || it.type})`,
      it.links.iso3166 ? ` · ${it.links.iso3166}` : "", it.aliases.length ? el("div", { class: "muted" }, `Også: ${it.aliases.join(", ")}`) : "");
    case "quote": return el("div", { class: "card" }, el("b", {}, it.direct ? "Direkte sitat" : "Referert tale"),
      el("div", {}, `«${it.text}»`), el("div", { class: "muted" }, `Kilde: ${it.speaker ? nm(it.speaker) : (it.speaker_text || "ukjent")}`,
        it.via.length ? ` via ${it.via.map(nm).join(", ")}` : ""));
    case "figure": return el("div", { class: "card" }, el("b", {}, "Tall: "), it.text,
      el("div", { class: "muted" }, `verdi ${it.value ?? "—"} (${L10N.qualifiers[it.qualifier] || it.qualifier}) · enhet ${it.unit || "—"} · ${it.what || ""} · ifølge ${it.source ? nm(it.source) : (publisher || "—")} · ${timeLabel(it.date)}`));
    case "event": return el("div", { class: "card" }, pill(it.type), ` ${it.text}`,
      el("div", { class: "muted" }, `aktører: ${it.actors.map(nm).join(", ") || "—"} · mål: ${it.targets.map(nm).join(", ") || "—"} · sted: ${nm(it.location)} · ${timeLabel(it.date)} · ${statusLabel(it.status)}`));
    default: return el("div", { class: "card" }, el("b", {}, `Tid (${L10N.timex_types[it.type] || it.type}): `), `${it.text} = ${timeLabel(it.value)}`);
  }
}

async function article(key, params) {
  const version = params.get("v");
  const [rec, versions] = await Promise.all([
    api(`/api/documents/${enc(key)}${version ? `?version=${enc(version)}` : ""}`),
    api(`/api/documents/${enc(key)}/versions`)]);
  const picker = el("select", { "aria-label": "versjon" }, versions.versions.map(v =>
    el("option", { value: v, selected: v === rec.document.version }, `versjon ${v}`)));
  picker.addEventListener("change", () => { location.hash = `#/article/${enc(key)}?v=${picker.value}`; });
  // ?fact=ev3 (or q2, f1): that fact's sentence, marked and scrolled to
  const fact = params.get("fact");
  const found = fact && [...rec.events, ...rec.quotes, ...rec.figures].find(x => x.id === fact);
  const target = found ? (found.sentence && found.sentence.start !== undefined ? found.sentence : found) : null;
  const url = /^https?:\/\//.test(rec.document.url || "") ? el("a", { href: rec.document.url, rel: "noopener noreferrer", target: "_blank" }, "original") : null;
  const parts = [el("p", { class: "muted" }, `${rec.document.source || ""} · publisert ${timeLabel(rec.document.published)}`,
    rec.document.live ? " · oppdateres" : "", " · ", picker, url ? [" · ", url] : ""),
    el("p", { class: "legend" }, el("span", { class: "hl-entity" }, "entitet"), el("span", { class: "hl-quote" }, "sitat"),
      el("span", { class: "hl-figure" }, "tall"), el("span", { class: "hl-event" }, "hendelse"), el("span", { class: "hl-timex" }, "tid")),
    highlighted(rec, target)];
  if (rec.document.version > 1) {
    const d = await api(`/api/documents/${enc(key)}/diff?to=${rec.document.version}`);
    const rows = [];
    for (const [key, ch] of Object.entries(d.facts)) {
      const kind = L10N.fact_kinds[key] || key;
      ch.added.forEach(x => rows.push(el("li", { class: "diff-add" }, `+ ${kind}: ${x.text || x.name || x.trigger}`)));
      ch.removed.forEach(x => rows.push(el("li", { class: "diff-del" }, `− ${kind}: ${x.text || x.name || x.trigger}`)));
      ch.changed.forEach(x => rows.push(el("li", { class: "diff-chg" }, `~ ${kind}: ${x.from.text || x.from.trigger} → ${x.to.text || x.to.trigger}`)));
    }
    parts.push(el("section", { class: "diff" }, el("h3", {}, `Endringer fra versjon ${d.from} til ${d.to}`), el("ul", {}, rows),
      el("pre", { class: "textdiff" }, d.text_diff.join("\n"))));
  }
  show(rec.document.title || key, ...parts);
  const mark = main.querySelector(".hl-target");
  if (mark) mark.scrollIntoView({ block: "center" });
}

async function entity(name, params) {
  const story = params.get("story");
  const p = await api(`/api/entities/${enc(name)}${story ? `?story=${enc(story)}` : ""}`);
  show(p.name,
    el("p", { class: "muted" }, `${p.types.map(t => L10N.entity_types[t] || t).join(", ")} · ${p.mentions} omtaler i ${p.documents} artikler`,
      p.links.iso3166 ? ` · ${p.links.iso3166}` : "", p.links.geonames ? ` · GeoNames ${p.links.geonames}` : ""),
    el("p", {}, el("b", {}, "Også kjent som: "), p.aliases.join(", ")),
    el("h3", {}, "Sitater"), p.quotes.length ? el("ul", {}, p.quotes.map(q => el("li", {}, `«${q.text}» `,
      el("a", { href: `#/article/${enc(q.document)}` }, "artikkel")))) : el("p", { class: "muted" }, "Ingen."),
    el("h3", {}, "Hendelser"), p.events.length ? p.events.map(e => eventCard(e, story)) : el("p", { class: "muted" }, "Ingen."),
    el("h3", {}, "Tall om"), figureList(p.figures_about),
    el("h3", {}, "Tall oppgitt av"), figureList(p.figures_reported));
}

function figureList(figs) {
  return figs.length ? el("ul", {}, figs.map(f => el("li", {}, `${f.text} (${timeLabel(f.date)})`)))
    : el("p", { class: "muted" }, "Ingen.");
}

async function claimsPage(params) {
  const story = params.get("story");
  show(story ? `Motstridende tall i sak ${story}` : "Motstridende tall",
    pagedList(`/api/contradictions${story ? `?story=${enc(story)}` : ""}`, contradictionCard, 20));
}

async function searchPage(params) {
  const q = params.get("q") || "";
  document.querySelector("#search input").value = q;
  if (q.trim().length < 2) return show("Søk", el("p", { class: "muted" }, "Skriv minst to tegn."));
  const [names, hits] = await Promise.all([api(`/api/entities?like=${enc(q)}&limit=20`), api(`/api/search?q=${enc(q)}&limit=50`)]);
  show(`Søk: ${q}`,
    el("h3", {}, "Navn"), names.items.length ? el("ul", { class: "hits-names" }, names.items.map(e => el("li", {}, entityLink(e.name || e.key),
      el("span", { class: "muted" }, ` ${L10N.entity_types[e.type] || e.type} · ${e.mentions} omtaler`)))) : el("p", { class: "muted" }, "Ingen navn."),
    el("h3", {}, "Artikler og sitater"), hits.items.length ? el("ul", { class: "hits" }, hits.items.map(h => el("li", {},
      el("a", { href: `#/article/${enc(h.document)}?v=${h.version}` }, h.title || h.document),
      el("span", { class: "muted" }, ` ${L10N.search_kinds[h.kind] || h.kind} · ${h.source || "—"}`), el("div", {}, h.snippet))))
      : el("p", { class: "muted" }, "Ingen treff."));
}

async function route() {
  // the route this call draws: the timeline may add its window (win=) to the address meanwhile
  const drawing = location.hash;
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const section = { story: "stories", event: "events", article: "articles", entity: "", search: "" }[parts[0]] ?? (parts[0] || "stories");
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.nav === section);
    if (a.dataset.nav === section) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  try {
    if (!parts.length) await stories();
    else if (parts[0] === "story") await storyPage(Number(parts[1]), params);
    else if (parts[0] === "events") await eventsPage(params);
    else if (parts[0] === "event") await eventPage(parts[1]);
    else if (parts[0] === "articles") await articles(params);
    else if (parts[0] === "article") await article(parts.slice(1).join("/"), params);
    else if (parts[0] === "entity") await entity(parts.slice(1).join("/"), params);
    else if (parts[0] === "claims") await claimsPage(params);
    else if (parts[0] === "search") await searchPage(params);
    else show("Fant ikke siden");
  } catch (err) {
    show("Feil", el("p", { class: "error" }, err.message));
  }
  document.body.dataset.ready = drawing;
  performance.mark("storyline:drawn");  // bench/web_speed.py reads it
}

document.getElementById("search").addEventListener("submit", ev => {
  ev.preventDefault();
  location.hash = `#/search?q=${enc(new FormData(ev.target).get("q"))}`;
});
window.addEventListener("hashchange", route);
route();
