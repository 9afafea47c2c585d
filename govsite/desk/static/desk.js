// The desk's few interactions: passkey sign-in, enrolment and signing (through @simplewebauthn/browser,
// bundled from the npm registry), and the decision forms. Every signature is asked for a record the desk
// prepared; the browser signs its hash and never sees a key.
"use strict";
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function notice(text, isError) {
    const box = document.getElementById("notice");
    if (!box) return;
    box.hidden = false;
    box.className = isError ? "error" : "ok";
    box.textContent = text;
    box.scrollIntoView({block: "nearest"});
  }

  async function post(url, body) {
    const res = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await res.json(); } catch (e) { data = {error: "工作台没有正常响应，请稍后重试。"}; }
    if (!res.ok || data.error) throw new Error(data.error || "操作失败，请重试。");
    return data;
  }

  function explain(err) {
    const name = err && err.name;
    if (name === "NotAllowedError") return "已取消，或设备没有完成验证。没有签署任何内容。";
    if (name === "InvalidStateError") return "这台设备上已经登记过这把通行密钥。";
    if (name === "SecurityError") return "浏览器认为本工作台的地址不安全（须使用 https 或 localhost），无法使用通行密钥。";
    return (err && err.message) || "操作失败，请重试。";
  }

  const swa = () => window.SimpleWebAuthnBrowser;

  async function signPrepared(prepared, completeUrl, extra) {
    const credential = await swa().startAuthentication({optionsJSON: prepared.options});
    return post(completeUrl, Object.assign({pending: prepared.pending, credential}, extra || {}));
  }

  async function busy(button, work) {
    const box = document.getElementById("notice");
    if (box) { box.hidden = true; box.textContent = ""; box.className = ""; }
    if (button) button.disabled = true;
    try { await work(); } catch (err) { notice(explain(err), true); } finally { if (button) button.disabled = false; }
  }

  const actions = {
    async signin(button) {
      const start = await post("/api/signin/options");
      const credential = await swa().startAuthentication({optionsJSON: start.options});
      const done = await post("/api/signin/finish", {pending: start.pending, credential});
      location.assign(done.redirect || "/");
    },
    async signout() {
      const done = await post("/api/signout");
      location.assign(done.redirect || "/signin");
    },
    async enrol(button) {
      const token = button.dataset.token;
      const start = await post(`/api/enrol/${token}/options`);
      const credential = await swa().startRegistration({optionsJSON: start.options});
      const prepared = await post(`/api/enrol/${token}/register`, {pending: start.pending, credential});
      notice("通行密钥已创建。请再验证一次，签署登记申请。", false);
      const done = await signPrepared(prepared, `/api/enrol/${token}/complete`);
      notice(done.message, false);
      button.hidden = true;
    },
    async withdraw(button) {
      if (!confirm("撤回这条审核意见？撤回后这一级须重新签署。")) return;
      const prepared = await post("/api/prepare", {action: "withdraw", branch: button.dataset.branch,
                                                   path: button.dataset.path, commit: button.dataset.commit});
      const done = await signPrepared(prepared, "/api/complete");
      notice(done.message, false);
      setTimeout(() => location.assign(done.redirect || location.href), 600);
    },
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || !actions[button.dataset.action]) return;
    event.preventDefault();
    busy(button, () => actions[button.dataset.action](button));
  });

  function bindForm(id, body) {
    const form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      busy(button, async () => {
        const prepared = await post("/api/prepare", body(form));
        const done = await signPrepared(prepared, "/api/complete");
        notice(done.message, false);
        setTimeout(() => location.assign(done.redirect || "/"), 800);
      });
    });
  }

  window.GovsiteDesk = {post, signPrepared, notice, busy, explain};  // for the editor's page (desk-write.js)

  document.addEventListener("DOMContentLoaded", () => {
    bindForm("approve", (f) => ({
      action: "approve", branch: f.dataset.branch, path: f.dataset.path, tier: f.dataset.tier,
      checklist: Array.from(f.querySelectorAll('input[name="checklist"]:checked')).map((x) => x.value),
      accept_exemptions: !!(f.querySelector('input[name="accept_exemptions"]') || {}).checked,
      note: f.querySelector('textarea[name="note"]').value,
    }));
    bindForm("return", (f) => ({action: "return", branch: f.dataset.branch, path: f.dataset.path,
                                opinion: f.querySelector('textarea[name="opinion"]').value}));
    bindForm("revise", (f) => ({action: "revise", branch: f.dataset.branch, path: f.dataset.path,
                                parent: f.dataset.parent, text: f.querySelector('textarea[name="text"]').value}));
  });
})();
