// Dashboard updates by push (server-sent events from /api/ops/events) instead of polling.
// "terminals" carries the overview rows that changed: merged here and drawn at once;
// "changed" names what else changed: the current view refetches (at most once a second).
// While the stream is down the page polls every 10 s and says so in the status line.
// A view may say what concerns it: Fleet.state.pushWants[view] = (event, data) => boolean;
// every "changed" is also dispatched on window as a "fleet:changed" event (badges).
"use strict";

window.FleetPush = (() => {
  let fallback = null;
  let pending = null;

  function later(refresh) {
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh(); }, 300);
  }

  function merge(delta) {
    const { state } = Fleet;
    const data = state.overview;
    if (!data) return false;
    const index = new Map(data.terminals.map((r, i) => [r[0], i]));
    for (const row of delta.rows) {
      if (index.has(row[0])) data.terminals[index.get(row[0])] = row;
      else data.terminals.push(row);
    }
    const gone = new Set(delta.removed);
    data.terminals = data.terminals.filter((r) => !gone.has(r[0]));
    data.by_health = {};
    for (const r of data.terminals) data.by_health[r[3]] = (data.by_health[r[3]] || 0) + 1;
    data.now = delta.now;
    return true;
  }

  function start(refresh, status) {
    if (!window.EventSource) { setInterval(refresh, 10000); return; }
    const source = new EventSource("/api/ops/events");
    document.body.dataset.push = "connecting";
    source.addEventListener("hello", () => {
      document.body.dataset.push = "live";
      if (fallback) { clearInterval(fallback); fallback = null; }
      refresh();
    });
    source.addEventListener("terminals", (e) => {
      const delta = JSON.parse(e.data);
      const route = (window.location.hash || "#/").slice(2).split("/");
      const wants = (Fleet.state.pushWants || {})[route[0]];
      if (wants) { if (wants("terminals", delta)) later(refresh); }
      else if ((route[0] === "" || route[0] === "overview") && merge(delta)) Fleet.drawOverview();
      else if (route[0] === "terminal" && delta.rows.some((r) => r[0] === decodeURIComponent(route[1] || ""))) later(refresh);
      else if (route[0] !== "terminal") later(refresh);
    });
    source.addEventListener("changed", (e) => {
      const change = JSON.parse(e.data);
      window.dispatchEvent(new CustomEvent("fleet:changed", { detail: change }));
      const route = (window.location.hash || "#/").slice(2).split("/");
      const wants = (Fleet.state.pushWants || {})[route[0]];
      if (wants) { if (wants("changed", change)) later(refresh); return; }
      if (route[0] === "terminal" && !change.terminals.includes(decodeURIComponent(route[1] || ""))
          && !change.topics.includes("groups")) return;
      later(refresh);
    });
    source.addEventListener("error", () => {
      document.body.dataset.push = "down";
      status("推送中断，重连中 Push interrupted, reconnecting…", true);
      if (!fallback) fallback = setInterval(refresh, 10000);
    });
  }

  return { start };
})();
