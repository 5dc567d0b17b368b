// Fleet dashboard views: terminal detail (devices, commands, history),
// usage charts per item / day / terminal, audit log. Charts are plain SVG drawn here.
"use strict";

(() => {
  const { el, api, status, when, healthChip, alertRow, refresh, state } = Fleet;
  const SVGNS = "http://www.w3.org/2000/svg";
  const COMMANDS = [
    ["restart_app", "重启应用 Restart app"],
    ["maintenance_on", "进入维护 Maintenance on"],
    ["maintenance_off", "退出维护 Maintenance off"],
    ["refresh_catalog", "刷新事项目录 Refresh catalog"],
    ["screenshot", "截屏 Screenshot"],
    ["reload_config", "重载配置 Reload config"],
  ];
  const STATUS = { pending: "等待 pending", sent: "已下发 sent", succeeded: "成功 succeeded",
    failed: "失败 failed", expired: "超时 expired" };

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- terminal detail -------------------------------------------------------------------
  let currentTerminal = null;

  async function sendCommand(id, kind) {
    const note = document.getElementById("t-command-note");
    try {
      const res = await api("/api/ops/terminals/" + encodeURIComponent(id) + "/commands", { body: { kind } });
      note.textContent = "命令 #" + res.id + " 已排队 queued: " + kind;
    } catch (e) {
      note.textContent = "发送失败 Send failed: " + e.message;
    }
    refresh();
  }

  function buildButtons(id) {
    const box = document.getElementById("t-buttons");
    const allowed = state.me && state.me.role !== "viewer";
    box.replaceChildren(...COMMANDS.map(([kind, label]) => el("button", {
      "data-command": kind, onclick: () => sendCommand(id, kind), disabled: allowed ? null : "disabled",
    }, label)));
  }

  function historyChart(points) {
    const w = 520, h = 160, pad = 28;
    const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "line-chart", role: "img",
      "aria-label": "paper level and errors over time" });
    root.append(svg("rect", { x: 0, y: 0, width: w, height: h, fill: "#fff" }));
    if (points.length < 2) {
      root.append(svg("text", { x: w / 2, y: h / 2, "text-anchor": "middle" }, "数据不足 not enough data yet"));
      return root;
    }
    const t0 = points[0].ts, t1 = points[points.length - 1].ts || t0 + 1;
    const x = (t) => pad + (w - 2 * pad) * (t - t0) / Math.max(1, t1 - t0);
    const maxErr = Math.max(1, ...points.map((p) => p.errors));
    const line = (val, max, color, dash) => {
      const d = points.filter((p) => val(p) !== null)
        .map((p, i) => (i ? "L" : "M") + x(p.ts).toFixed(1) + "," + (h - pad - (h - 2 * pad) * val(p) / max).toFixed(1)).join(" ");
      root.append(svg("path", { d, fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": dash }));
    };
    root.append(svg("line", { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: "#999" }));
    line((p) => p.paper_level, 100, "#1f5fbf", "");
    line((p) => p.errors, maxErr, "#c62828", "5,3");
    root.append(svg("text", { x: pad, y: 14, class: "legend-text", fill: "#1f5fbf" }, "— 纸量 paper % (0–100)"));
    root.append(svg("text", { x: w / 2, y: 14, class: "legend-text", fill: "#c62828" }, "- - 错误 errors (0–" + maxErr + ")"));
    return root;
  }

  state.views.terminal = async (id) => {
    const t = await api("/api/ops/terminals/" + encodeURIComponent(id));
    if (currentTerminal !== id) { currentTerminal = id; buildButtons(id); }
    document.getElementById("t-title").replaceChildren(t.id + " " + t.name + " ", healthChip(t.health));
    const summary = document.getElementById("t-summary");
    const kv = [["区县 District", t.district], ["地址 Address", t.address || "—"],
      ["版本 App version", t.app_version || "—"], ["运行 Uptime", Math.round(t.uptime_s / 60) + " 分钟 min"],
      ["界面 Screen", t.screen || "—"], ["维护 Maintenance", t.maintenance ? "是 yes" : "否 no"],
      ["纸量 Paper", t.paper_state + (t.paper_level === null ? "" : " " + t.paper_level + "%")],
      ["计数 Counters", Object.entries(t.counters).map(([k, v]) => k + " " + v).join(" · ")],
      ["最后心跳 Last seen", when(t.last_seen)]];
    summary.replaceChildren(...kv.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    document.querySelector("#t-devices tbody").replaceChildren(...Object.entries(t.devices).map(([name, d]) =>
      el("tr", { "data-device": name, class: d.state === "online" ? "" : "bad" }, el("td", {}, name),
        el("td", {}, d.state), el("td", {}, Object.entries(d.status || {}).map(([k, v]) => k + "=" + v).join(", ")))));
    document.querySelector("#t-commands tbody").replaceChildren(...t.commands.map((c) =>
      el("tr", { "data-command-id": c.id, "data-status": c.status, class: "cmd-" + c.status },
        el("td", {}, c.id), el("td", {}, c.kind), el("td", {}, c.created_by), el("td", {}, when(c.created_at)),
        el("td", { class: "cmd-status" }, STATUS[c.status] || c.status), el("td", { class: "cmd-result" }, c.result || ""))));
    // the last screenshots and the timeline: terminal_page.js
    document.getElementById("t-history").replaceChildren(historyChart(t.history));
    document.querySelector("#t-alerts tbody").replaceChildren(...t.alerts.map((a) => alertRow(a, false)));
  };

  // ---- usage -----------------------------------------------------------------------------
  function barChart(rows, labelOf) {
    const rowH = 22, w = 760, labelW = 260, h = Math.max(1, rows.length) * rowH + 8;
    const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "bar-chart", role: "img" });
    const max = Math.max(1, ...rows.map((r) => r.started));
    rows.forEach((r, i) => {
      const y = 4 + i * rowH;
      const bw = (w - labelW - 90) * r.started / max;
      const cw = (w - labelW - 90) * r.completed / max;
      root.append(svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, labelOf(r)));
      root.append(svg("rect", { x: labelW, y: y + 2, width: bw.toFixed(1), height: 16, fill: "#9ab8e6" }));
      root.append(svg("rect", { x: labelW, y: y + 6, width: cw.toFixed(1), height: 8, fill: "#1f5fbf" }));
      root.append(svg("text", { x: labelW + bw + 6, y: y + 15 }, r.started + " / " + r.completed));
    });
    if (!rows.length) root.append(svg("text", { x: 10, y: 18 }, "暂无数据 No data"));
    return root;
  }

  state.views.usage = async () => {
    const from = document.getElementById("u-from").value, to = document.getElementById("u-to").value;
    const q = (from ? "&day_from=" + from : "") + (to ? "&day_to=" + to : "");
    document.getElementById("u-csv").href = "/api/ops/usage.csv?" + q.slice(1);
    const [items, days, terms] = await Promise.all(["item", "day", "terminal"].map((by) => api("/api/ops/usage?by=" + by + q)));
    document.getElementById("u-items").replaceChildren(barChart(items.slice(0, 30), (r) => (r.item_name || r.item_code).slice(0, 18)));
    document.getElementById("u-days").replaceChildren(barChart(days.slice(-31), (r) => r.day));
    document.getElementById("u-terminals").replaceChildren(barChart(terms.slice(0, 20), (r) => r.terminal_id));
  };

  // ---- audit -----------------------------------------------------------------------------
  state.views.audit = async () => {
    const rows = await api("/api/ops/audit?limit=300");
    document.querySelector("#audit-table tbody").replaceChildren(...rows.map((r) => el("tr", {},
      el("td", {}, when(r.ts)), el("td", {}, r.actor), el("td", {}, r.action), el("td", {}, r.target),
      el("td", {}, r.detail), el("td", {}, r.result))));
  };

  for (const id of ["u-from", "u-to"]) {
    document.getElementById(id).addEventListener("change", () => refresh().catch(() => status("", true)));
  }
})();
