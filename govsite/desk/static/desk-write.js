// The editor's page (写稿): the form, the Markdown editor (Vditor, served by the desk; WYSIWYG mode), the
// live checks (debounced, the same engine as `govsite check`), one-click fixes, drafts kept on the server as
// the editor types, and submission: the page signed with the editor's passkey, then 一审.
"use strict";
(function () {
  const desk = () => window.GovsiteDesk;
  let editor = null;  // Vditor, once it is ready
  let checkTimer = null, saveTimer = null, dirty = false, checking = 0;
  // what the form has no field for: the fields' exemptions (豁免) and the branch of a returned page
  let kept = {allow: {}, branch: "", extra: {}};

  function form() { return document.getElementById("write"); }
  function field(name) { return form().querySelector(`[name="${name}"]`); }
  function body() { return editor ? editor.getValue() : field("body").value; }

  function draft() {
    const [unit, column] = field("place").value.split("/");
    return {
      unit, column, name: field("name").value.trim(), title: field("title").value, formed: field("formed").value,
      doc_number: field("doc_number").value, category: field("category").value, major: field("major").checked,
      co_units: field("co_units").value, source: field("source").value, repost_from: field("repost_from").value,
      repost_url: field("repost_url").value, disclosure: field("disclosure").value, body: body(),
      validity: field("validity").value, validity_date: field("validity_date").value,
      validity_by: field("validity_by").value, interprets: field("interprets").value,
      allow: kept.allow, branch: kept.branch, extra: kept.extra,
    };
  }

  function setDraft(d) {
    for (const key of ["name", "title", "formed", "doc_number", "category", "source", "repost_from", "repost_url",
                       "disclosure", "validity", "validity_date", "validity_by", "interprets"]) {
      field(key).value = d[key] || "";
    }
    field("major").checked = !!d.major;
    field("co_units").value = (d.co_units || []).join(", ");
    field("body").value = d.body || "";
    kept = {allow: d.allow || {}, branch: d.branch || "", extra: d.extra || {}};
    if (editor) editor.setValue(d.body || "", true);
  }

  // the findings marked in place in the editor's text (the CSS Custom Highlight API: nothing is added to the
  // text itself, so the Markdown stays the editor's own)
  let shownFindings = [];
  function highlight() {
    if (!editor || !window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    const root = document.querySelector(`#editor .vditor-${editor.getCurrentMode()} .vditor-reset`) ||
                 document.querySelector("#editor .vditor-reset");
    if (!root) return;
    const nodes = [];
    let text = "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
    const place = (offset) => {
      let i = nodes.length - 1;
      while (i > 0 && nodes[i][1] > offset) i--;
      return [nodes[i][0], Math.min(offset - nodes[i][1], nodes[i][0].data.length)];
    };
    const marks = {error: [], warning: [], exempt: []};
    for (const f of shownFindings) {
      if (f.where !== "body" || !f.text || !nodes.length) continue;
      const kind = f.exempt ? "exempt" : (f.severity === "error" ? "error" : "warning");
      for (let at = text.indexOf(f.text); at >= 0; at = text.indexOf(f.text, at + f.text.length)) {
        const range = new Range();
        range.setStart(...place(at));
        range.setEnd(...place(at + f.text.length));
        marks[kind].push(range);
      }
    }
    for (const [kind, ranges] of Object.entries(marks)) CSS.highlights.set(`govsite-${kind}`, new Highlight(...ranges));
  }

  function locate(f) {
    const marks = window.CSS && CSS.highlights && CSS.highlights.get(
      `govsite-${f.exempt ? "exempt" : (f.severity === "error" ? "error" : "warning")}`);
    const range = marks && [...marks].find((r) => r.toString() === f.text);
    if (range) range.startContainer.parentElement.scrollIntoView({block: "center", behavior: "smooth"});
    else if (f.where !== "body") field(f.where === "from" ? "repost_from" : f.where === "url" ? "repost_url" : f.where)?.focus();
  }

  function render(findings) {
    shownFindings = findings;
    highlight();
    const list = document.getElementById("findings");
    list.replaceChildren();
    const errors = findings.filter((f) => f.severity === "error" && !f.exempt).length;
    document.getElementById("finding-count").textContent =
      findings.length ? `${findings.length} 项，其中错误 ${errors} 项` : "未发现问题";
    for (const f of findings) {
      const item = document.createElement("li");
      item.className = f.exempt ? "exempt" : f.severity;
      const where = f.where === "body" ? (f.line ? `正文第 ${f.line} 行` : "正文") : `“${label(f.where)}”栏`;
      const kind = f.exempt ? "已豁免" : (f.severity === "error" ? "错误" : "提醒");
      const at = Object.assign(document.createElement("button"), {type: "button", className: "locate",
                                                                  textContent: where});
      at.title = "在稿件中定位";
      at.addEventListener("click", () => locate(f));
      item.append(Object.assign(document.createElement("strong"), {textContent: kind}), " ", at,
                  `${f.text ? `“${f.text}”` : ""}：${f.message}`);
      if (f.basis) {
        const basis = Object.assign(document.createElement("details"), {className: "basis"});
        basis.append(Object.assign(document.createElement("summary"), {textContent: "依据"}), f.basis);
        item.append(basis);
      }
      if (f.exempt) {
        item.append(Object.assign(document.createElement("small"), {className: "exemption",
                                                                    textContent: ` 豁免理由：${f.exempt}。${f.needs}`}));
      }
      if (f.suggestion && !f.exempt) {
        const fix = Object.assign(document.createElement("button"), {type: "button", className: "fix",
                                                                     textContent: `改为“${f.suggestion}”`});
        fix.dataset.index = f.index;
        item.append(" ", fix);
      }
      if (!f.exempt && f.severity === "error") {
        // an error the editor has checked and stands by: a reason for the reviewers instead of a change
        const ask = Object.assign(document.createElement("button"), {type: "button", className: "ask-exempt",
                                                                     textContent: "申请豁免"});
        ask.dataset.index = f.index;
        item.append(" ", ask);
      }
      list.append(item);
    }
  }

  const LABELS = {title: "标题", doc_number: "文号", formed: "成文日期", category: "分类", source: "信息来源",
                  repost: "转载自", from: "转载自", url: "原文地址", validity: "效力状态", interprets: "解读的文件",
                  status: "效力状态", date: "效力变化日期", by: "修改或替代它的文件", co_units: "会签单位", disclosure: "公开方式", major: "重大信息"};
  function label(key) { return LABELS[key] || key; }

  async function check() {
    const mine = ++checking;
    try {
      const done = await desk().post("/api/check", {draft: draft(), draft_id: form().dataset.draftId});
      if (mine === checking) render(done.findings);  // an older answer never overwrites a newer one
    } catch (err) { desk().notice(desk().explain(err), true); }
  }

  function changed() {
    dirty = true;
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 400);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 3000);
  }

  async function save() {
    if (!dirty) return;
    dirty = false;
    try {
      const done = await desk().post("/api/draft", {draft: draft(), draft_id: form().dataset.draftId});
      form().dataset.draftId = done.draft_id;
      // the page's address names the draft: its images (files/…) then resolve to the files kept with it
      history.replaceState(null, "", `/write/${encodeURIComponent(done.draft_id)}/`);
      document.getElementById("saved").textContent = `草稿已保存 ${done.saved}`;
    } catch (err) {
      dirty = true;  // nothing is lost: the next change tries again
      document.getElementById("saved").textContent = `草稿未能保存：${desk().explain(err)}`;
    }
  }

  async function applyFix(button) {
    const done = await desk().post("/api/fix", {draft: draft(), draft_id: form().dataset.draftId,
                                                index: Number(button.dataset.index)});
    setDraft(done.draft);
    render(done.findings);
    dirty = true;
    save();
  }

  function askExempt(button) {
    const item = button.closest("li");
    if (item.querySelector("form, .exempt-form")) return;
    const box = Object.assign(document.createElement("span"), {className: "exempt-form"});
    const reason = Object.assign(document.createElement("input"), {
      name: "exempt-reason", placeholder: "豁免理由（必填），如：经核实为单位对外公布的服务电话", maxLength: 200});
    reason.setAttribute("aria-label", "豁免理由");
    const confirm = Object.assign(document.createElement("button"), {type: "button", className: "exempt",
                                                                    textContent: "确认豁免"});
    confirm.dataset.index = button.dataset.index;
    box.append(Object.assign(document.createElement("small"), {
      textContent: "确认内容无误、确需保留时才豁免；理由随稿件交审核人认可。"}), reason, confirm);
    item.append(box);
    reason.focus();
  }

  async function exempt(button) {
    const reason = button.closest("li").querySelector('[name="exempt-reason"]').value;
    const done = await desk().post("/api/exempt", {draft: draft(), draft_id: form().dataset.draftId,
                                                   index: Number(button.dataset.index), reason});
    setDraft(done.draft);
    render(done.findings);
    dirty = true;
    save();
  }

  // one upload: a Word draft (kind "docx"), a photo (alt text required) or an attachment; the answer is the
  // Markdown to insert (or, for Word, the whole draft)
  async function send(file, kind, alt) {
    dirty = true;
    await save();
    const data = new FormData();
    data.append("file", file);
    data.append("kind", kind);
    data.append("alt", alt);
    data.append("draft_id", form().dataset.draftId || "");
    data.append("draft", JSON.stringify(draft()));
    const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
    const res = await fetch("/api/upload", {method: "POST", credentials: "same-origin",
                                           headers: {"X-CSRF-Token": csrf}, body: data});
    let done = {};
    try { done = await res.json(); } catch (e) { done = {error: "工作台没有正常响应，请稍后重试。"}; }
    if (!res.ok || done.error) throw new Error(done.error || "上传失败，请重试。");
    return done;
  }

  function tell(done, what) {
    const notes = [].concat(done.messages || [], done.notes || [], done.findings || []);
    desk().notice(notes.length ? `${what}。请注意：${notes.join("；")}` : `${what}。`, false);
  }

  function insert(snippet) {
    if (editor) {
      editor.focus();
      editor.insertValue(`\n${snippet}\n`);
    } else {
      field("body").value += `\n\n${snippet}\n`;
    }
  }

  const IMAGE = /^image\/(jpeg|png|gif|webp)$/;

  // the alt text of a photo: the field's, else asked for (a photo pasted or dropped comes without one)
  function altFor(file) {
    const given = field("alt").value.trim();
    if (given) return given;
    const asked = window.prompt(`请写这张图片的替代文字（图片的内容，供视障读者朗读，必填）：${file.name || ""}`, "");
    return (asked || "").trim();
  }

  async function upload(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    const kind = input.name === "docx" ? "docx" : input.name;
    const alt = field("alt").value.trim();
    try {
      if (kind === "image" && !alt) throw new Error("请先写替代文字（图片的内容），再选择图片。");
      const done = await send(file, kind, alt);
      if (done.draft) setDraft(done.draft); else insert(done.snippet);
      if (kind === "image") field("alt").value = "";
      tell(done, "已导入");
      changed();
    } finally {
      input.value = "";
    }
  }

  // Vditor's toolbar button, and photos or files pasted or dropped into the editor
  async function uploadFiles(files) {
    for (const file of files) {
      const kind = IMAGE.test(file.type) ? "image" : "attachment";
      const alt = kind === "image" ? altFor(file) : "";
      if (kind === "image" && !alt) {
        desk().notice(`图片“${file.name}”没有插入：每张图片都要写替代文字。请重新粘贴或上传，并写明图片内容。`, true);
        continue;
      }
      const done = await send(file, kind, alt);
      insert(done.snippet);
      if (kind === "image") field("alt").value = "";
      tell(done, kind === "image" ? "图片已插入" : "附件已插入");
    }
    changed();
  }

  // what a paste brought in that cannot be published as it is: images embedded in the text (data:) become
  // uploaded photos; images that stayed on the writer's computer (file:, as Word puts them) are named
  async function adoptPasted() {
    let value = body();
    const embedded = [...value.matchAll(/!\[([^\]]*)\]\((data:image\/(?:jpeg|png|gif|webp);base64,[A-Za-z0-9+/=]+)\)/g)];
    for (const [whole, alt, url] of embedded) {
      // decoded here: the page's security policy lets it fetch from the desk only
      const [head, data] = url.split(",", 2);
      const type = head.slice(5, head.indexOf(";"));
      const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], `paste.${type.split("/")[1]}`,
                            {type});
      const text = alt.trim() || altFor(file);
      let snippet = "";
      if (text) snippet = (await send(file, "image", text)).snippet;
      value = value.replace(whole, snippet);
      if (editor) editor.setValue(value, true); else field("body").value = value;
    }
    const local = (value.match(/!\[[^\]]*\]\(file:[^)]*\)/g) || []).length;
    if (local) {
      desk().notice(`粘贴的内容里有 ${local} 张图片仍在你电脑上（从 Word 复制时图片不会一起带过来），读者看不到。`
                    + "请删除这些图片，改用“导入 Word 文档”导入整个文件，或用工具栏的上传按钮逐张插入。", true);
    } else if (embedded.length) {
      desk().notice(`粘贴的 ${embedded.length} 张图片已保存为稿件的图片。`, false);
    }
    if (embedded.length) changed();
  }

  async function submit() {
    const checklist = Array.from(form().querySelectorAll('input[name="checklist"]:checked')).map((x) => x.value);
    clearTimeout(saveTimer);
    await save();
    const d = draft();
    desk().notice("请验证本人：先签名保存稿件……", false);
    const prepared = await desk().post("/api/prepare", {action: "submit", draft: d,
                                                        draft_id: form().dataset.draftId});
    const landed = await desk().signPrepared(prepared, "/api/complete", {draft_id: form().dataset.draftId});
    desk().notice("稿件已保存。请再验证一次，签署一审……", false);
    const first = await desk().post("/api/prepare", {action: "approve", branch: landed.branch, path: landed.path,
                                                     tier: "1", checklist, accept_exemptions: false, note: ""});
    const done = await desk().signPrepared(first, "/api/complete");
    const review = landed.merge_request ? ` 合并请求：${landed.merge_request}` : (landed.merge_request_note || "");
    desk().notice(`已提交：${done.message} 已通知科室负责人二审。${review}`, false);
    setTimeout(() => location.assign("/"), 1200);
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!form()) return;
    try { kept = Object.assign(kept, JSON.parse(form().dataset.kept || "{}")); } catch (e) { /* a new page */ }
    const own = (event) => event.target.name === "exempt-reason";  // part of a finding, not of the page
    form().addEventListener("input", (event) => { if (!own(event)) changed(); });
    form().addEventListener("keydown", (event) => {
      if (own(event) && event.key === "Enter") {  // not the form's submission: the exemption's own button
        event.preventDefault();
        event.target.closest("li").querySelector("button.exempt").click();
      }
    });
    form().addEventListener("change", (event) => {
      if (own(event)) return;
      if (event.target.closest("#editor")) return;  // Vditor's own upload button: its handler takes the files
      if (event.target.type === "file") {
        desk().busy(null, () => upload(event.target));
        return;
      }
      changed();
    });
    form().addEventListener("click", (event) => {
      const fix = event.target.closest("button.fix");
      if (fix) { event.preventDefault(); desk().busy(fix, () => applyFix(fix)); }
      const ask = event.target.closest("button.ask-exempt");
      if (ask) { event.preventDefault(); askExempt(ask); }
      const granted = event.target.closest("button.exempt");
      if (granted) { event.preventDefault(); desk().busy(granted, () => exempt(granted)); }
      const previewButton = event.target.closest('[data-write="preview"]');
      if (previewButton) {
        event.preventDefault();
        const shown = window.open("about:blank", "govsite-preview");  // opened on the click: not a pop-up
        desk().busy(previewButton, async () => {
          const done = await desk().post("/api/preview", {draft: draft(), draft_id: form().dataset.draftId});
          if (shown) shown.location = done.url; else location.assign(done.url);
        });
      }
      const saveButton = event.target.closest('[data-write="save"]');
      if (saveButton) { event.preventDefault(); dirty = true; desk().busy(saveButton, save); }
    });
    form().addEventListener("submit", (event) => {
      event.preventDefault();
      desk().busy(form().querySelector("button[type=submit]"), submit);
    });
    if (window.Vditor) {
      const textarea = field("body");
      editor = new window.Vditor("editor", {
        cdn: "/static/vendor/vditor", lang: "zh_CN", icon: "ant", mode: "wysiwyg", height: 460,
        value: textarea.value, cache: {enable: false}, placeholder: "在这里写正文……",
        toolbar: ["headings", "bold", "italic", "|", "list", "ordered-list", "table", "link", "upload", "|", "undo",
                  "redo", "edit-mode"],
        upload: {
          accept: "image/jpeg,image/png,image/gif,image/webp,.pdf,.docx,.xlsx", multiple: true,
          handler: (files) => desk().busy(null, () => uploadFiles(Array.from(files))).then(() => null),
        },
        preview: {hljs: {enable: false}, math: {inlineDigit: false}},
        input: () => { textarea.value = editor.getValue(); highlight(); changed(); },
        after: () => { textarea.hidden = true; document.getElementById("editor").dataset.ready = "1"; check(); },
      });
      // Vditor stops the paste event where it lands, so listen on the way down; look once it has turned the
      // pasted HTML into Markdown
      // one look at a time: a second paste waits for the first one's photos to be stored
      let adopting = Promise.resolve();
      document.getElementById("editor").addEventListener("paste", () => {
        setTimeout(() => { adopting = adopting.then(() => desk().busy(null, adoptPasted)); }, 400);
      }, true);
    } else {
      check();
    }
  });
})();
