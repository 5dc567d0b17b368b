// The operator's day, part 1: alert groups (acknowledge), refused and unknown terminals
// (dismiss), maintenance windows (list, plan, end). Views of the Fleet object (app.js);
// kept current by push.js through Fleet.state.pushWants. Text goes in with textContent only.
"use strict";

(() => {
  const { el, api, status, when, refresh, state } = Fleet;
  const canAct = () => Boolean(state.me && state.me.role !== "viewer");
  const SEVERITY = { critical: "严重 critical", warning: "警告 warning" };
  const GROUP_STATE = {
    pending: "汇集中 gathering", open: "未处理 open", escalated: "已升级 escalated",
    acknowledged: "已确认 acknowledged", suppressed: "维护中 suppressed", resolved: "已恢复 resolved",
  };
  const REFUSED = { refused: "已登记·被拒 refused", unknown: "未知 unknown", recovered: "已恢复 recovered" };
  const SCOPES = { fleet: "全部 fleet", district: "区县 district", terminal: "终端 terminal" };

  // when() of app.js reads every time as past; deadlines and planned windows lie ahead
  function at(ts) {
    const ahead = Math.round(ts - Date.now() / 1000);
    if (ahead < 2) return when(ts);
    const rel = ahead < 90 ? ahead + " 秒后 in " + ahead + " s"
      : ahead < 5400 ? Math.round(ahead / 60) + " 分钟后 in " + Math.round(ahead / 60) + " min"
        : Math.round(ahead / 3600) + " 小时后 in " + Math.round(ahead / 3600) + " h";
    return new Date(ts * 1000).toLocaleString("zh-CN", { hour12: false }) + " (" + rel + ")";
  }

  function empty(columns, text) {
    return el("tr", { class: "empty" }, el("td", { colspan: String(columns) }, text || "无 None ✓"));
  }

  function terminalLinks(ids, shown) {
    const links = ids.slice(0, shown).flatMap((id, i) =>
      [i ? " " : "", el("a", { href: "#/terminal/" + encodeURIComponent(id) }, id)]);
    if (ids.length <= shown) return el("span", {}, ...links);
    const rest = ids.slice(shown).flatMap((id) => [" ", el("a", { href: "#/terminal/" + encodeURIComponent(id) }, id)]);
    return el("span", {}, ...links, el("details", {}, el("summary", {}, "另 " + (ids.length - shown) + " 台 more"), ...rest));
  }

  async function act(path, done, failed) {
    try {
      await api(path, { body: {} });
      status(done);
    } catch (e) {
      status(failed + ": " + e.message, true);
    }
    await refresh();
  }

  // ---- alert groups ----------------------------------------------------------------------
  function groupRow(g) {
    const ackable = canAct() && ["open", "escalated", "pending"].includes(g.state);
    const n = g.count + g.suppressed;
    const due = g.ack_due && !g.acked_at && g.resolved_at === null
      ? el("span", { class: g.ack_due < Date.now() / 1000 ? "overdue" : "" }, at(g.ack_due)) : "—";
    return el("tr", { class: "group-row sev-" + g.severity + " gstate-" + g.state, "data-group-id": g.id,
      "data-family": g.family, "data-district": g.district, "data-state": g.state },
      el("td", {}, g.id),
      el("td", {}, el("b", { class: "group-title" }, g.title),
        g.suppressed ? el("div", { class: "note" }, g.suppressed + " 台在维护中 in maintenance (不通知 not notified)") : ""),
      el("td", {}, el("span", { class: "sev sev-" + g.severity }, SEVERITY[g.severity] || g.severity)),
      el("td", { class: "members" }, el("div", {}, n + " 台 terminals (峰值 peak " + g.peak + ")"), terminalLinks(g.terminals, 6)),
      el("td", {}, when(g.opened_at)), el("td", {}, due),
      el("td", { class: "group-state" }, GROUP_STATE[g.state] || g.state,
        g.acked_by ? el("div", { class: "note" }, "by " + g.acked_by) : "",
        g.escalated_at ? el("div", { class: "note" }, "升级 escalated " + when(g.escalated_at)) : ""),
      el("td", {}, ackable ? el("button", { class: "ack small",
        onclick: () => act("/api/ops/alert-groups/" + g.id + "/ack", "告警组 #" + g.id + " 已确认 acknowledged",
          "确认失败 Acknowledge failed") }, "确认 Acknowledge") : ""));
  }

  state.views.groups = async () => {
    const all = document.getElementById("groups-all").checked ? 1 : 0;
    const groups = await api("/api/ops/alert-groups?all=" + all);
    const body = document.querySelector("#groups-table tbody");
    body.replaceChildren(...groups.map(groupRow));
    if (!groups.length) body.append(empty(8));
    setBadge("group-badge", groups.filter((g) => ["open", "escalated", "pending"].includes(g.state)).length);
  };

  // ---- refused and unknown terminals -----------------------------------------------------
  function refusedRow(r) {
    const known = r.status !== "unknown";
    return el("tr", { class: "refused-row rstate-" + r.status, "data-terminal": r.terminal_id, "data-status": r.status },
      el("td", {}, known ? el("a", { href: "#/terminal/" + encodeURIComponent(r.terminal_id) }, r.terminal_id) : r.terminal_id),
      el("td", { class: "refused-status" }, REFUSED[r.status] || r.status),
      el("td", {}, r.reason), el("td", {}, r.name || "—"), el("td", {}, r.district || "—"),
      el("td", {}, when(r.first_seen)), el("td", {}, when(r.last_seen)),
      el("td", {}, r.refusals + " / " + r.beacons), el("td", {}, r.remote_addr || "—"),
      el("td", {}, canAct() && r.dismissed_at === null ? el("button", { class: "dismiss small",
        onclick: () => act("/api/ops/refused/" + encodeURIComponent(r.terminal_id) + "/dismiss",
          r.terminal_id + " 已隐藏 dismissed", "隐藏失败 Dismiss failed") }, "隐藏 Dismiss") : ""));
  }

  state.views.refused = async () => {
    const all = document.getElementById("refused-all").checked ? 1 : 0;
    const rows = await api("/api/ops/refused?all=" + all);
    const body = document.querySelector("#refused-table tbody");
    body.replaceChildren(...rows.map(refusedRow));
    if (!rows.length) body.append(empty(10));
    if (!all) setBadge("refused-badge", rows.filter((r) => r.status !== "recovered").length);
  };

  // ---- maintenance windows ---------------------------------------------------------------
  function windowRow(w) {
    const now = Date.now() / 1000;
    const stateText = w.active ? "进行中 active" : w.starts_at > now ? "计划中 planned" : "已结束 ended";
    return el("tr", { class: "window-row" + (w.active ? " active" : ""), "data-window-id": w.id,
      "data-scope": w.scope, "data-target": w.target },
      el("td", {}, w.id), el("td", {}, SCOPES[w.scope] || w.scope),
      el("td", {}, w.scope === "terminal" ? el("a", { href: "#/terminal/" + encodeURIComponent(w.target) }, w.target) : (w.target || "—")),
      el("td", {}, at(w.starts_at)), el("td", {}, at(w.ends_at)), el("td", {}, w.reason || "—"),
      el("td", {}, w.created_by), el("td", { class: "window-state" }, stateText),
      el("td", {}, canAct() && w.ends_at > now ? el("button", { class: "end small",
        onclick: () => act("/api/ops/maintenance-windows/" + w.id + "/end", "维护窗口 #" + w.id + " 已结束 ended",
          "结束失败 End failed") }, w.active ? "结束 End now" : "取消 Cancel") : ""));
  }

  state.views.maintenance = async () => {
    const all = document.getElementById("mw-all").checked ? 1 : 0;
    const rows = await api("/api/ops/maintenance-windows?all=" + all);
    const body = document.querySelector("#mw-table tbody");
    body.replaceChildren(...rows.map(windowRow));
    if (!rows.length) body.append(empty(9, "无维护窗口 No windows"));
    await targets();
    document.getElementById("mw-submit").disabled = !canAct();
  };

  // suggestions for the target: the districts, or the terminals the overview knows
  async function targets() {
    const scope = document.getElementById("mw-scope").value;
    const list = document.getElementById("mw-districts");
    if (list.dataset.scope === scope && list.childNodes.length) return;
    const overview = scope !== "terminal" ? null : state.overview || await api("/api/ops/overview");
    if (scope !== document.getElementById("mw-scope").value) return;  // changed meanwhile
    const names = overview ? overview.terminals.map((r) => r[0]).sort() : [...state.anchors.keys()];
    list.dataset.scope = scope;
    list.replaceChildren(...names.slice(0, 5000).map((n) => el("option", { value: n })));
  }

  async function planWindow(event) {
    event.preventDefault();
    const note = document.getElementById("mw-note");
    const scope = document.getElementById("mw-scope").value;
    const starts = document.getElementById("mw-starts").value;
    const body = {
      scope, target: scope === "fleet" ? "" : document.getElementById("mw-target").value.trim(),
      minutes: Number(document.getElementById("mw-minutes").value) || 60,
      reason: document.getElementById("mw-reason").value.trim(),
    };
    if (starts) body.starts_at = new Date(starts).getTime() / 1000;
    try {
      const res = await api("/api/ops/maintenance-windows", { body });
      note.textContent = "维护窗口 #" + res.id + " 已计划 planned";
      note.classList.remove("error");
      document.getElementById("mw-reason").value = "";
    } catch (e) {
      note.textContent = "计划失败 Not planned: " + e.message;
      note.classList.add("error");
    }
    await refresh();
  }

  // ---- badges and push -------------------------------------------------------------------
  function setBadge(id, n) {
    document.getElementById(id).textContent = n ? String(n) : "";
  }

  let badgeTimer = null;
  async function badges() {
    badgeTimer = null;
    try {
      const [groups, refused] = await Promise.all([api("/api/ops/alert-groups"), api("/api/ops/refused")]);
      setBadge("group-badge", groups.filter((g) => ["open", "escalated", "pending"].includes(g.state)).length);
      setBadge("refused-badge", refused.filter((r) => r.status !== "recovered").length);
    } catch (e) {
      // the status line already tells when the server is unreachable
    }
  }

  window.addEventListener("fleet:changed", (e) => {
    const topics = e.detail.topics || [];
    if (!badgeTimer && (topics.includes("groups") || topics.includes("refused"))) {
      badgeTimer = setTimeout(badges, 500);
    }
  });

  state.pushWants = state.pushWants || {};
  state.pushWants.groups = (kind, data) => kind === "changed" && data.topics.some((t) => t === "groups" || t === "alerts");
  state.pushWants.refused = (kind, data) => kind === "changed" && data.topics.includes("refused");
  state.pushWants.maintenance = (kind, data) => kind === "changed" && data.topics.includes("windows");

  for (const id of ["groups-all", "refused-all", "mw-all"]) {
    document.getElementById(id).addEventListener("change", refresh);
  }
  document.getElementById("mw-form").addEventListener("submit", planWindow);
  document.getElementById("mw-scope").addEventListener("change", () => {
    document.getElementById("mw-target").disabled = document.getElementById("mw-scope").value === "fleet";
    targets().catch((e) => status("终端列表失败 Terminal list failed: " + e.message, true));
  });
  window.addEventListener("DOMContentLoaded", () => { setTimeout(badges, 0); });
})();
