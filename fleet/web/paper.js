// The operator's day, part 2: paper rounds. Per district, the terminals that run out of
// paper within N hours, in route order from the district's depot (with a sketch), a CSV link, and
// "mark refilled" (closes the terminal's paper alerts). Kept current by push.js: a pushed
// change of a terminal's paper level or of the alerts reloads the rounds, at most every 5 s.
"use strict";

(() => {
  const { el, api, status, refresh, state } = Fleet;
  const MIN_RELOAD_MS = 5000;
  const SVGNS = "http://www.w3.org/2000/svg";
  let lastLoad = 0;
  let trailing = null;
  const paperSeen = new Map();

  function query() {
    const hours = Math.max(1, Math.min(336, Number(document.getElementById("pr-hours").value) || 8));
    const district = document.getElementById("pr-district").value;
    return "hours=" + hours + (district ? "&district=" + encodeURIComponent(district) : "");
  }

  async function refilled(id) {
    try {
      await api("/api/ops/terminals/" + encodeURIComponent(id) + "/refilled", { body: {} });
      status(id + " 已换纸 marked refilled");
    } catch (e) {
      status("换纸登记失败 Refill not recorded: " + e.message, true);
    }
    await refresh();
  }

  function left(s) {
    if (s.hours_left <= 0) return el("b", { class: "out" }, "已缺纸 out now");
    return el("span", { class: s.hours_left < 2 ? "soon" : "" }, s.hours_left + " h");
  }

  function stopRow(s) {
    const canAct = state.me && state.me.role !== "viewer";
    return el("tr", { class: "stop-row", "data-terminal": s.terminal_id, "data-stop": s.stop },
      el("td", { class: "stop" }, s.stop),
      el("td", {}, el("a", { href: "#/terminal/" + encodeURIComponent(s.terminal_id) }, s.terminal_id)),
      el("td", {}, s.name), el("td", {}, s.address || "—"),
      el("td", {}, s.paper_percent + "%"), el("td", {}, s.use_per_hour ? s.use_per_hour + " %/h" : "—"),
      el("td", { class: "left" }, left(s)), el("td", {}, s.leg_km + " km"), el("td", {}, s.total_km + " km"),
      el("td", {}, s.position === "surveyed" ? "实测 surveyed" : el("span", { class: "note" }, "估计 estimated")),
      el("td", {}, canAct ? el("button", { class: "refilled small", onclick: () => refilled(s.terminal_id) },
        "已换纸 Mark refilled") : ""));
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // the round drawn to scale (straight lines, north up): depot square, numbered stops
  function routeSketch(r) {
    const w = 240, h = 200, pad = 16;
    const pts = [[r.depot.lat, r.depot.lon], ...r.stops.map((s) => [s.lat, s.lon])];
    const lats = pts.map((p) => p[0]), lons = pts.map((p) => p[1]);
    const k = Math.cos((Math.min(...lats) + Math.max(...lats)) / 2 * Math.PI / 180);
    const spanX = Math.max(1e-4, (Math.max(...lons) - Math.min(...lons)) * k);
    const spanY = Math.max(1e-4, Math.max(...lats) - Math.min(...lats));
    const scale = Math.min((w - 2 * pad) / spanX, (h - 2 * pad) / spanY);
    const xy = ([lat, lon]) => [
      (w - spanX * scale) / 2 + (lon - Math.min(...lons)) * k * scale,
      (h + spanY * scale) / 2 - (lat - Math.min(...lats)) * scale];
    const at = pts.map(xy);
    const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "route", role: "img",
      "aria-label": r.district + " route: depot then " + r.stops.length + " stops" });
    root.append(svg("path", { class: "route-line",
      d: at.map(([x, y], i) => (i ? "L" : "M") + x.toFixed(1) + "," + y.toFixed(1)).join(" ") }));
    const [dx, dy] = at[0];
    const depot = svg("rect", { class: "route-depot", x: (dx - 6).toFixed(1), y: (dy - 6).toFixed(1), width: 12, height: 12 });
    depot.append(svg("title", {}, "起点 start: " + r.depot.name));
    root.append(depot);
    r.stops.forEach((s, i) => {
      const [x, y] = at[i + 1];
      const urgency = s.hours_left <= 0 ? "out" : s.hours_left < 2 ? "soon" : "later";
      const g = svg("g", { class: "route-stop stop-" + urgency, "data-stop": s.stop });
      g.append(svg("title", {}, s.stop + ". " + s.terminal_id + " " + s.name));
      g.append(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 8 }));
      g.append(svg("text", { x: x.toFixed(1), y: (y + 4).toFixed(1), "text-anchor": "middle" }, String(s.stop)));
      root.append(g);
    });
    return root;
  }

  function districtPanel(r) {
    const total = r.stops.length ? r.stops[r.stops.length - 1].total_km : 0;
    return el("div", { class: "round", "data-district": r.district },
      el("h3", {}, r.district + " · " + r.stops.length + " 台 stops · " + total + " km"),
      el("p", { class: "note" }, "起点 Start: " + r.depot.name + " (" + r.depot.lat.toFixed(4) + ", " + r.depot.lon.toFixed(4) + ")"),
      el("div", { class: "round-body" },
        el("table", { class: "grid stops" },
          el("thead", {}, el("tr", {}, ...["顺序 Stop", "终端 Terminal", "名称 Name", "地址 Address", "纸量 Paper",
            "用量 Use", "剩余 Left", "本段 Leg", "累计 Total", "位置 Position", ""].map((h) => el("th", {}, h)))),
          el("tbody", {}, ...r.stops.map(stopRow))),
        routeSketch(r)));
  }

  state.views.paper = async () => {
    const select = document.getElementById("pr-district");
    if (select.options.length === 1 && state.anchors.size) {
      select.append(...[...state.anchors.keys()].map((d) => el("option", { value: d }, d)));
    }
    const q = query();
    document.getElementById("pr-csv").href = "/api/ops/paper-rounds.csv?" + q;
    lastLoad = Date.now();
    const data = await api("/api/ops/paper-rounds?" + q);
    const stops = data.districts.reduce((n, r) => n + r.stops.length, 0);
    document.getElementById("pr-note").textContent = stops
      ? stops + " 台终端需在 " + data.hours + " 小时内换纸 terminals need paper within " + data.hours + " h"
      : "";
    const box = document.getElementById("pr-rounds");
    box.replaceChildren(...data.districts.map(districtPanel));
    if (!data.districts.length) {
      box.append(el("p", { class: "note none" }, data.hours + " 小时内无需换纸 No terminal runs out within " + data.hours + " h ✓"));
    }
  };

  function paperChanged(delta) {
    let changed = false;
    for (const row of delta.rows) {
      if (paperSeen.get(row[0]) !== row[4]) { paperSeen.set(row[0], row[4]); changed = true; }
    }
    return changed || delta.removed.length > 0;
  }

  function throttled() {
    const wait = lastLoad + MIN_RELOAD_MS - Date.now();
    if (wait <= 0) return true;
    if (!trailing) trailing = setTimeout(() => { trailing = null; refresh(); }, wait);
    return false;
  }

  state.pushWants = state.pushWants || {};
  state.pushWants.paper = (kind, data) => {
    const relevant = kind === "terminals" ? paperChanged(data) : data.topics.includes("alerts");
    return relevant && throttled();
  };

  for (const id of ["pr-hours", "pr-district"]) {
    document.getElementById(id).addEventListener("change", refresh);
  }
})();
