// Login form of the fleet dashboard: POST the credentials, then go to the overview.
"use strict";
document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  error.textContent = "";
  const body = {
    username: document.getElementById("username").value,
    password: document.getElementById("password").value,
  };
  try {
    const resp = await fetch("/api/ops/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (resp.ok) {
      window.location.href = "/";
      return;
    }
    const data = await resp.json().catch(() => ({}));
    error.textContent = data.error || "登录失败 Login failed (" + resp.status + ")";
  } catch (e) {
    error.textContent = "无法连接服务器 Cannot reach the server";
  }
});
