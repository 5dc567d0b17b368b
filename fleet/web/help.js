// 一键求助: open help tickets from terminals, with 确认 (acknowledge). Polled every 2 s
// (see fleet/help_tickets.py for why a poll); a new ticket also flashes the page title.
(function () {
  "use strict";
  const panel = document.getElementById("help-panel");
  if (!panel) return;
  let lastOpen = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    children.forEach((c) => node.append(c));
    return node;
  }

  async function post(path) {
    const resp = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                     body: "{}" });
    if (!resp.ok) throw new Error("HTTP " + resp.status);
  }

  function render(tickets) {
    const open = tickets.filter((t) => t.state === "open");
    panel.replaceChildren();
    panel.hidden = open.length === 0;
    if (open.length > lastOpen) document.title = "求助 Help! — e办通";
    if (open.length === 0) document.title = "e办通 fleet";
    lastOpen = open.length;
    if (!open.length) return;
    panel.append(el("h2", {}, "一键求助 Help requests (" + open.length + ")"));
    const table = el("table", { class: "grid", id: "help-table" });
    open.forEach((t) => {
      const when = new Date(t.raised_at * 1000).toLocaleTimeString("zh-CN", { hour12: false });
      const button = el("button", { "data-ticket": String(t.ticket_id) }, "确认 Acknowledge");
      button.addEventListener("click", async () => {
        button.disabled = true;
        try { await post("/api/ops/help/" + t.ticket_id + "/ack"); } catch (e) { button.disabled = false; }
        refresh();
      });
      table.append(el("tr", {}, el("td", {}, when), el("td", {}, t.terminal_id),
                      el("td", {}, (t.proxy ? "代办 proxy · " : "") + t.screen + (t.item_code ? " · " + t.item_code : "")),
                      el("td", {}, button)));
    });
    panel.append(table);
  }

  async function refresh() {
    try {
      const resp = await fetch("/api/ops/help");
      if (resp.ok) render((await resp.json()).tickets || []);
    } catch (e) { /* the status line of app.js reports a lost server */ }
  }

  refresh();
  setInterval(refresh, 2000);
}());
