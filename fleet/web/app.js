// Fleet dashboard core: API helper, routing, polling, overview (map, health, alerts, table).
// No outside assets; data goes into the page with textContent only. views.js adds the
// terminal, usage and audit views through the Fleet object.
"use strict";

const Fleet = (() => {
  const HEALTH = {
    ok: ["正常", "OK", "#1b7f3b"],
    warning: ["警告", "Warning", "#b26a00"],
    fault: ["故障", "Fault", "#c62828"],
    maintenance: ["维护", "Maintenance", "#1f5fbf"],
    offline: ["离线", "Offline", "#5f6368"],
    unknown: ["未知", "Unknown", "#8d8d8d"],
  };
  const KINDS = {
    offline: "离线 Offline", paper_out: "缺纸 Paper out", paper_low: "纸少 Paper low",
    device_fault: "设备故障 Device fault", error_burst: "错误激增 Error burst",
  };
  const params = new URLSearchParams(window.location.search);
  const POLL_MS = Math.max(500, Number(params.get("poll")) || 3000);
  const SVGNS = "http://www.w3.org/2000/svg";
  const state = { me: null, overview: null, dots: new Map(), anchors: new Map(), views: {} };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : String(c ?? ""));
    return node;
  }

  function healthChip(h) {
    // colours come from style.css (.chip-<health>): the CSP allows no inline style
    const [zh, en] = HEALTH[h] || HEALTH.unknown;
    return el("span", { class: "chip chip-" + (HEALTH[h] ? h : "unknown") }, zh + " " + en);
  }

  function when(ts) {
    if (!ts) return "—";
    const d = new Date(ts * 1000);
    const ago = Math.round(Date.now() / 1000 - ts);
    const rel = ago < 2 ? "刚刚 just now" : ago < 90 ? ago + " 秒前 s ago"
      : ago < 5400 ? Math.round(ago / 60) + " 分钟前 min ago" : Math.round(ago / 3600) + " 小时前 h ago";
    return d.toLocaleString("zh-CN", { hour12: false }) + " (" + rel + ")";
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    if (opts.body !== undefined) {
      opts.method = opts.method || "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.body);
    }
    const resp = await fetch(path, opts);
    if (resp.status === 401) {
      window.location.href = "/login";
      throw new Error("not logged in");
    }
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error(data.error || data.detail || "HTTP " + resp.status);
    return data;
  }

  function status(text, bad) {
    const line = document.getElementById("status-line");
    line.textContent = text;
    line.classList.toggle("bad", Boolean(bad));
  }

  // ---- map -------------------------------------------------------------------------------
  async function loadMap() {
    const text = await (await fetch("/static/map.svg")).text();
    const holder = document.getElementById("map");
    holder.innerHTML = text; // our own generated SVG, same origin
    for (const p of holder.querySelectorAll("path.district")) {
      state.anchors.set(p.dataset.name, [Number(p.dataset.x), Number(p.dataset.y)]);
    }
    const legend = document.getElementById("legend");
    for (const h of Object.keys(HEALTH)) legend.append(el("li", {}, healthChip(h)));
  }

  function hash(s) {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  }

  function placeDot(id, district) {
    const anchor = state.anchors.get(district) || [300, 880];
    const h = hash(id);
    const angle = (h % 360) * Math.PI / 180;
    const radius = 6 + ((h >>> 9) % 26);
    return [anchor[0] + Math.cos(angle) * radius, anchor[1] + Math.sin(angle) * radius];
  }

  function drawDots(rows) {
    const layer = document.querySelector("#map #terminals");
    if (!layer) return;
    const seen = new Set();
    for (const [id, name, district, health] of rows) {
      seen.add(id);
      let dot = state.dots.get(id);
      if (!dot) {
        const [x, y] = placeDot(id, district);
        dot = document.createElementNS(SVGNS, "circle");
        dot.setAttribute("cx", x.toFixed(1));
        dot.setAttribute("cy", y.toFixed(1));
        dot.setAttribute("r", rows.length > 2000 ? "2.5" : "5");
        dot.dataset.terminal = id;
        dot.append(document.createElementNS(SVGNS, "title"));
        dot.addEventListener("click", () => { window.location.hash = "#/terminal/" + id; });
        layer.append(dot);
        state.dots.set(id, dot);
      }
      if (dot.dataset.health !== health) {
        dot.dataset.health = health;
        dot.setAttribute("class", "dot dot-" + health);
        dot.setAttribute("fill", (HEALTH[health] || HEALTH.unknown)[2]);
        const [zh, en] = HEALTH[health] || HEALTH.unknown;
        dot.firstChild.textContent = id + " " + name + " · " + zh + " " + en;
      }
    }
    for (const [id, dot] of state.dots) {
      if (!seen.has(id)) { dot.remove(); state.dots.delete(id); }
    }
  }

  // ---- overview --------------------------------------------------------------------------
  function renderSummary(data) {
    const box = document.getElementById("health-summary");
    box.replaceChildren();
    const total = data.terminals.length;
    box.append(el("div", { class: "card total" }, el("b", {}, total), "台终端 terminals"));
    for (const h of Object.keys(HEALTH)) {
      const n = data.by_health[h] || 0;
      if (!n && (h === "unknown" || h === "maintenance")) continue;
      box.append(el("div", { class: "card", "data-health": h }, el("b", {}, n), healthChip(h)));
    }
    const open = Object.values(data.alerts_by_kind || {}).reduce((a, b) => a + b, 0);
    document.getElementById("alert-badge").textContent = open ? String(open) : "";
  }

  function alertRow(a, withTerminal) {
    const ackable = a.state === "open" && state.me && state.me.role !== "viewer";
    const button = ackable
      ? el("button", { class: "ack small", onclick: () => acknowledge(a.id) }, "确认 Acknowledge")
      : "";
    const stateText = { open: "未处理 open", acknowledged: "已确认 acknowledged by " + (a.acked_by || ""),
      resolved: "已恢复 resolved" }[a.state];
    return el("tr", { class: "alert-row state-" + a.state, "data-alert-id": a.id,
      "data-kind": a.kind, "data-terminal": a.terminal_id },
      el("td", {}, a.id),
      withTerminal ? el("td", {}, el("a", { href: "#/terminal/" + a.terminal_id }, a.terminal_id)) : "",
      el("td", {}, KINDS[a.kind] || a.kind), el("td", {}, a.detail), el("td", {}, when(a.opened_at)),
      el("td", { class: "alert-state" }, stateText), el("td", {}, button));
  }

  async function acknowledge(id) {
    try {
      await api("/api/ops/alerts/" + id + "/ack", { body: {} });
      status("告警 #" + id + " 已确认 acknowledged");
    } catch (e) {
      status("确认失败 Acknowledge failed: " + e.message, true);
    }
    refresh();
  }

  function renderTable(data) {
    const filter = document.getElementById("filter").value.trim().toLowerCase();
    const body = document.querySelector("#terminal-table tbody");
    const rows = data.terminals.filter((r) => !filter ||
      [r[0], r[1], r[2], r[3], (HEALTH[r[3]] || [""])[0]].join(" ").toLowerCase().includes(filter));
    // unhealthy first, at most 300 rows in the table (the map shows them all)
    const order = { fault: 0, offline: 1, warning: 2, maintenance: 3, unknown: 4, ok: 5 };
    rows.sort((a, b) => (order[a[3]] - order[b[3]]) || a[0].localeCompare(b[0]));
    body.replaceChildren(...rows.slice(0, 300).map((r) => el("tr", { "data-terminal": r[0] },
      el("td", {}, el("a", { href: "#/terminal/" + r[0] }, r[0])), el("td", {}, r[1]),
      el("td", {}, r[2]), el("td", { class: "health" }, healthChip(r[3])),
      el("td", {}, r[4] === null ? "—" : r[4] + "%"), el("td", {}, r[6]),
      el("td", {}, when(r[5])))));
    document.getElementById("table-note").textContent = rows.length > 300
      ? "显示 300 / " + rows.length + " 台 showing 300 of " + rows.length : "";
  }

  async function refreshOverview() {
    const [data, alerts] = await Promise.all([api("/api/ops/overview"), api("/api/ops/alerts")]);
    state.overview = data;
    renderSummary(data);
    drawDots(data.terminals);
    renderTable(data);
    const body = document.querySelector("#overview-alerts tbody");
    body.replaceChildren(...alerts.slice(0, 30).map((a) => alertRow(a, true)));
    if (!alerts.length) body.append(el("tr", {}, el("td", {}, "无 None ✓")));
  }

  async function refreshAlerts() {
    const all = document.getElementById("show-resolved").checked ? 1 : 0;
    const alerts = await api("/api/ops/alerts?all=" + all);
    document.querySelector("#alerts-table tbody").replaceChildren(...alerts.map((a) => alertRow(a, true)));
  }

  // ---- routing and polling ---------------------------------------------------------------
  function route() {
    const parts = (window.location.hash || "#/").slice(2).split("/");
    const name = parts[0] === "" ? "overview" : parts[0];
    return { name, arg: parts.slice(1).map(decodeURIComponent).join("/") };
  }

  async function refresh() {
    const r = route();
    for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== "view-" + r.name;
    for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === r.name);
    const view = { overview: refreshOverview, alerts: refreshAlerts }[r.name] || state.views[r.name];
    if (!view) return;
    try {
      await view(r.arg);
      if (r.name !== "overview") {
        const open = await api("/api/ops/alerts");
        document.getElementById("alert-badge").textContent = open.length ? String(open.length) : "";
      }
      status("已更新 Updated " + new Date().toLocaleTimeString("zh-CN", { hour12: false }));
    } catch (e) {
      status("更新失败 Update failed: " + e.message, true);
    }
  }

  async function start() {
    state.me = await api("/api/ops/me");
    document.getElementById("who").textContent = state.me.username + " (" + state.me.role + ")";
    document.getElementById("logout").addEventListener("click", async () => {
      await fetch("/api/ops/logout", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      window.location.href = "/login";
    });
    document.getElementById("filter").addEventListener("input", () => state.overview && renderTable(state.overview));
    document.getElementById("show-resolved").addEventListener("change", refresh);
    window.addEventListener("hashchange", refresh);
    await loadMap();
    await refresh();
    if (params.get("poll") || !window.FleetPush) setInterval(refresh, POLL_MS);
    else window.FleetPush.start(refresh, status);  // push.js: server-sent events
  }

  function drawOverview() {  // push.js merged changed rows into state.overview
    const data = state.overview;
    renderSummary(data);
    drawDots(data.terminals);
    renderTable(data);
    status("已推送 Pushed " + new Date().toLocaleTimeString("zh-CN", { hour12: false }));
  }

  return { el, api, status, when, healthChip, alertRow, refresh, state, KINDS, HEALTH, start,
    drawOverview };
})();

window.addEventListener("DOMContentLoaded", () => {
  Fleet.start().catch((e) => Fleet.status("启动失败 Start failed: " + e.message, true));
});
