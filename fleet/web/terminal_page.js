// The terminal page's extras: its timeline (device state changes, alerts, commands, paper
// refills — newest first) and its last screenshots. Added to the terminal view of views.js;
// push.js reloads the view when this terminal's row, alerts, commands or screenshots change.
"use strict";

(() => {
  const { el, api, when, state, KINDS } = Fleet;
  const base = state.views.terminal;
  const SHOWN = 200;
  const KIND = { device: "设备 device", alert: "告警 alert", command: "命令 command", refill: "换纸 refill" };
  const STATE = {
    opened: "开始 opened", resolved: "恢复 resolved", refilled: "已换纸 refilled", pending: "等待 pending",
    sent: "已下发 sent", succeeded: "成功 succeeded", failed: "失败 failed", expired: "超时 expired",
  };

  function what(e) {
    if (e.kind === "device") return e.device;
    if (e.kind === "alert") return KINDS[e.alert] || e.alert;
    if (e.kind === "command") return "#" + e.id + " " + e.command;
    return "纸张 paper";
  }

  function detail(e) {
    if (e.kind === "device") return e.previous ? "之前 was " + e.previous : "首次 first seen";
    if (e.kind === "alert") return e.detail || "";
    if (e.kind === "command") return "操作员 by " + e.by;
    return e.previous === null || e.previous === undefined ? "" : "换前 before " + e.previous + "%";
  }

  function row(e) {
    const bad = (e.kind === "device" && e.state !== "online") || (e.kind === "alert" && e.state === "opened")
      || (e.kind === "command" && (e.state === "failed" || e.state === "expired"));
    return el("tr", { class: "tl-row tl-" + e.kind + (bad ? " bad" : ""), "data-kind": e.kind, "data-state": e.state },
      el("td", {}, when(e.ts)), el("td", {}, KIND[e.kind] || e.kind), el("td", {}, what(e)),
      el("td", { class: "tl-state" }, STATE[e.state] || e.state), el("td", {}, detail(e)));
  }

  async function timeline(id) {
    const hours = document.getElementById("t-timeline-hours").value || "24";
    const events = await api("/api/ops/terminals/" + encodeURIComponent(id) + "/timeline?hours=" + hours);
    const newest = events.slice(-SHOWN).reverse();
    const body = document.querySelector("#t-timeline tbody");
    body.replaceChildren(...newest.map(row));
    if (!events.length) body.append(el("tr", {}, el("td", { colspan: "5" }, "无记录 Nothing recorded")));
    document.getElementById("t-timeline-note").textContent = events.length > SHOWN
      ? "显示最近 " + SHOWN + " / " + events.length + " 条 showing the newest " + SHOWN + " of " + events.length : "";
  }

  async function screenshots(id) {
    const shots = await api("/api/ops/terminals/" + encodeURIComponent(id) + "/screenshots");
    const box = document.getElementById("t-shots");
    const key = id + ":" + shots.map((s) => s.id).join(",");
    if (box.dataset.key === key) return;  // unchanged: keep the images, no reload flicker
    box.dataset.key = key;
    box.replaceChildren(...shots.map((s, i) => el("figure", { class: i ? "older" : "newest", "data-shot-id": s.id },
      el("a", { href: "/api/ops/screenshots/" + s.id, target: "_blank", rel: "noopener" },
        el("img", { src: "/api/ops/screenshots/" + s.id, alt: "screenshot " + s.id + " of " + id })),
      el("figcaption", {}, when(s.ts)))));
    if (!shots.length) box.append(el("p", { class: "note" }, "暂无截屏 No screenshot yet — use 截屏 Screenshot"));
  }

  state.views.terminal = async (id) => {
    await Promise.all([base(id), timeline(id), screenshots(id)]);
  };

  document.getElementById("t-timeline-hours").addEventListener("change", Fleet.refresh);
})();
