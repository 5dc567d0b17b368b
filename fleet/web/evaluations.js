// 好差评: ratings per item, department or terminal (with CSV), and the bad reviews to
// follow up (跟进). Data from fleet/evaluation_stats.py; refreshed every 30 s.
(function () {
  "use strict";
  const box = document.getElementById("evaluations-panel");
  if (!box) return;
  const by = document.getElementById("eval-by");
  const csv = document.getElementById("eval-csv");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    children.forEach((c) => node.append(c));
    return node;
  }

  async function get(path) {
    const resp = await fetch(path);
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    return resp.json();
  }

  async function refresh() {
    try {
      const group = by.value;
      csv.setAttribute("href", "/api/ops/evaluations.csv?by=" + group);
      const stats = await get("/api/ops/evaluations?by=" + group);
      const body = document.querySelector("#eval-table tbody");
      body.replaceChildren(...stats.rows.map((r) => el("tr", {},
        el("td", {}, r.key), el("td", {}, String(r.total)), el("td", {}, String(r.level_5)),
        el("td", {}, String(r.level_4)), el("td", {}, String(r.level_3)),
        el("td", {}, String(r.level_2)), el("td", {}, String(r.level_1)),
        el("td", {}, (r.satisfaction * 100).toFixed(1) + "%"))));
      const bad = await get("/api/ops/evaluations/bad");
      const list = document.querySelector("#eval-bad tbody");
      list.replaceChildren(...bad.reviews.map((r) => {
        const done = r.followed_up_at ? "已跟进 " + (r.followed_up_by || "") : "";
        const button = el("button", { "data-rating": String(r.id) }, "跟进 Follow up");
        button.addEventListener("click", async () => {
          button.disabled = true;
          await fetch("/api/ops/evaluations/" + r.id + "/follow-up", { method: "POST",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify({ note: "" }) });
          refresh();
        });
        return el("tr", {}, el("td", {}, new Date(r.ts * 1000).toLocaleString("zh-CN", { hour12: false })),
          el("td", {}, r.terminal_id), el("td", {}, r.item_name || r.item_code),
          el("td", {}, r.level === 1 ? "非常不满意" : "不满意"), el("td", {}, r.reason),
          el("td", {}, done || button));
      }));
    } catch (e) { /* shown again on the next refresh */ }
  }

  by.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 30000);
}());
