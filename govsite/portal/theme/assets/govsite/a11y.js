// The portal's accessibility tools (无障碍/长者模式, GB/T 37668-2019 and the 适老化 rules): text size, high
// contrast, line spacing, a large cursor, reading aloud with the browser's own speech synthesis (nothing is
// sent anywhere), print, and the column navigation's toggle on a phone. The reader's choices are kept in
// this browser only (localStorage).
"use strict";
(function () {
  const KEY = "govsite-a11y";
  const SIZES = [1, 1.15, 1.3, 1.5];
  const root = document.documentElement;
  let state = {size: 0, contrast: false, spacing: false, cursor: false};
  try { state = Object.assign(state, JSON.parse(localStorage.getItem(KEY) || "{}")); } catch (e) { /* defaults */ }

  function apply() {
    state.size = Math.max(0, Math.min(SIZES.length - 1, Number(state.size) || 0));
    root.style.setProperty("--gs-scale", String(SIZES[state.size]));
    root.classList.toggle("gs-contrast", !!state.contrast);
    root.classList.toggle("gs-spacing", !!state.spacing);
    root.classList.toggle("gs-cursor", !!state.cursor);
    document.querySelectorAll("[data-a11y]").forEach((b) => {
      const on = {contrast: state.contrast, spacing: state.spacing, cursor: state.cursor}[b.dataset.a11y];
      if (on !== undefined) b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: this page only */ }
  }

  function text() {
    const chosen = String(window.getSelection ? window.getSelection() : "").trim();
    if (chosen) return chosen;
    const main = document.querySelector(".gs-article, .gs-content, main");
    return main ? main.innerText.trim() : document.title;
  }

  let speaking = false;
  function read(button) {
    const synth = window.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === "undefined") {
      button.textContent = "本浏览器不支持朗读";
      return;
    }
    if (speaking) { synth.cancel(); speaking = false; button.textContent = "朗读"; return; }
    const say = new SpeechSynthesisUtterance(text().slice(0, 6000));
    say.lang = "zh-CN";
    say.onend = () => { speaking = false; button.textContent = "朗读"; };
    speaking = true;
    button.textContent = "停止朗读";
    synth.speak(say);
  }

  const actions = {
    bigger: () => { state.size += 1; },
    smaller: () => { state.size -= 1; },
    contrast: () => { state.contrast = !state.contrast; },
    spacing: () => { state.spacing = !state.spacing; },
    cursor: () => { state.cursor = !state.cursor; },
    reset: () => { state = {size: 0, contrast: false, spacing: false, cursor: false}; },
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-a11y]");
    if (!button) return;
    const what = button.dataset.a11y;
    if (what === "read") { read(button); return; }
    if (what === "print") { window.print(); return; }
    if (what === "nav") {  // the unit's columns on a phone (栏目导航), beside the content on a wider screen
      const open = !root.classList.contains("gs-nav-open");
      root.classList.toggle("gs-nav-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (what === "toggle") {
      const bar = document.getElementById("gs-a11y-tools");
      const open = bar.hidden;
      bar.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (actions[what]) { actions[what](); apply(); }
  });
  root.classList.add("gs-js");  // the navigation toggle works: a phone shows the columns on request
  apply();
})();
