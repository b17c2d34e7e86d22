// masker web page: upload a scan, see the proposed masks over the page, edit them, download.
// Plain JS, no build, no external resources. Talks to the same server: /v1/propose (with
// preview), /v1/check, /v1/policy/check (the policy's verdict on every edited box), /v1/apply.
"use strict";

(() => {
  const KIND_LABEL = { name: "姓名", seal: "公章", signature: "签名" };
  const KEPT_LABEL = {
    other_name: "他人姓名", other_seal: "其他单位公章", unreadable_seal: "无法辨认的公章",
    other_signature: "他人签名", refused_mask: "规则拒绝的遮盖", kept: "保留",
  };
  const MIN_BOX = 2; // page units: smaller drawn boxes are discarded

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };

  const state = {
    file: null, name: "", unit: "",
    result: null,        // propose JSON (with previews)
    proposed: [],        // masks as proposed, to reset to
    masks: [],           // {id, page, kind, box, on, source, text, reason, refusal}
    selected: null,      // mask id
    adding: false,
    seq: 0, checkSeq: 0,
  };

  // ------------------------------------------------------------------ HTTP
  function headers() {
    const h = {};
    const key = $("#api-key").value.trim();
    if (key) h["X-API-Key"] = key;
    return h;
  }

  async function call(path, body, asJson = true) {
    let resp;
    try {
      resp = await fetch(path, { method: "POST", body, headers: body instanceof FormData ? headers() : { ...headers(), "Content-Type": "application/json" } });
    } catch (e) {
      throw new Error("无法连接服务器，请检查网络 / cannot reach the server");
    }
    if (resp.status === 401) {
      $("#key-field").hidden = false;
      $("#api-key").focus();
    }
    if (!resp.ok) {
      let msg = `请求失败（${resp.status}）`;
      try {
        const j = await resp.json();
        if (j && j.error && j.error.message) msg = j.error.message;
      } catch (_) { /* not JSON */ }
      if (resp.status === 503) msg = `${msg}（服务繁忙，请稍后重试）`;
      const err = new Error(msg);
      err.status = resp.status;
      throw err;
    }
    return asJson ? resp.json() : resp;
  }

  function setStatus(text, isError = false) {
    const s = $("#status");
    s.textContent = text;
    s.classList.toggle("error", isError);
  }

  function form(extra = {}) {
    const fd = new FormData();
    fd.append("file", state.file, state.file.name);
    if (state.name) fd.append("name", state.name);
    if (state.unit) fd.append("unit", state.unit);
    for (const [k, v] of Object.entries(extra)) fd.append(k, v);
    return fd;
  }

  // ------------------------------------------------------------------ analyse
  async function analyse(ev) {
    ev.preventDefault();
    const f = $("#file").files[0];
    state.name = $("#name").value.trim();
    state.unit = $("#unit").value.trim();
    if (!f) return setStatus("请选择扫描件", true);
    if (!state.name) return setStatus("请填写申报人姓名", true);
    state.file = f;
    $("#analyse").disabled = true;
    setStatus("正在识别，请稍候……");
    try {
      const res = await call("/v1/propose", form({ preview: "true" }));
      load(res);
      setStatus(`识别完成：共 ${res.pages.length} 页，建议遮盖 ${state.masks.length} 处。`);
      runCheck();
    } catch (e) {
      setStatus(e.message, true);
    } finally {
      $("#analyse").disabled = false;
    }
  }

  function load(res) {
    state.result = res;
    state.masks = [];
    state.selected = null;
    for (const p of res.pages) {
      for (const m of p.masks) {
        state.masks.push({ id: ++state.seq, page: p.index, kind: m.kind, box: m.box.slice(), on: true,
          source: "proposed", text: m.text || "", reason: m.reason || "", refusal: null });
      }
    }
    state.proposed = state.masks.map((m) => ({ ...m, box: m.box.slice() }));
    $("#result").hidden = false;
    buildPages();
    render();
    validate();
  }

  // ------------------------------------------------------------------ pages
  function pageOf(i) { return state.result.pages[i]; }

  function buildPages() {
    const root = $("#pages");
    root.replaceChildren();
    for (const p of state.result.pages) {
      const unit = p.unit === "pt" ? "pt" : "px";
      const sec = el("section", { class: "page", "data-page": p.index },
        el("h3", { text: `第 ${p.index + 1} 页 · ${Math.round(p.width)}×${Math.round(p.height)} ${unit}` +
          (p.orientation ? ` · 内容旋转 ${p.orientation}°` : "") }));
      if (p.preview) {
        const sheet = el("div", { class: "sheet", "data-page": p.index });
        sheet.append(el("img", { src: `data:${p.preview.mime};base64,${p.preview.data}`, alt: `第 ${p.index + 1} 页预览`, draggable: "false" }));
        sheet.addEventListener("pointerdown", (e) => onSheetDown(e, p.index));
        sec.append(sheet);
      } else {
        sec.append(el("div", { class: "no-preview", text: "此页未生成预览（页数较多），遮盖框可在右侧列表中管理。" }));
      }
      root.append(sec);
    }
  }

  const pct = (v, total) => `${(100 * v / total).toFixed(4)}%`;

  function place(node, box, p) {
    node.style.left = pct(box[0], p.width);
    node.style.top = pct(box[1], p.height);
    node.style.width = pct(box[2] - box[0], p.width);
    node.style.height = pct(box[3] - box[1], p.height);
  }

  function render() {
    for (const sheet of document.querySelectorAll(".sheet")) {
      const idx = Number(sheet.dataset.page);
      const p = pageOf(idx);
      for (const b of sheet.querySelectorAll(".box")) b.remove();
      for (const k of p.kept || []) {
        const label = KEPT_LABEL[k.kind] || k.kind;
        const node = el("div", { class: `box kept ${k.kind}`, title: `保留：${label}${k.text ? "「" + k.text + "」" : ""}\n原因：${k.reason}` });
        place(node, k.box, p);
        sheet.append(node);
      }
      for (const m of state.masks.filter((x) => x.page === idx)) {
        const cls = ["box", "mask", m.kind];
        if (!m.on) cls.push("off");
        if (m.refusal && m.on) cls.push("refused");
        if (state.selected === m.id) cls.push("selected");
        const tip = [`遮盖：${KIND_LABEL[m.kind]}${m.text ? "「" + m.text + "」" : ""}`,
          m.reason ? `原因：${m.reason}` : (m.source === "user" ? "原因：申报人添加" : ""),
          m.on ? "" : "（已停用，不会遮盖）", m.refusal ? `不符合规则：${m.refusal}` : ""].filter(Boolean).join("\n");
        const node = el("div", { class: cls.join(" "), "data-id": m.id, "data-kind": m.kind, title: tip, tabindex: "0",
          role: "button", "aria-label": tip });
        for (const c of ["nw", "ne", "sw", "se"]) node.append(el("span", { class: `handle ${c}`, "data-corner": c }));
        node.addEventListener("dblclick", () => { m.on = !m.on; changed(); });
        node.addEventListener("keydown", (e) => onBoxKey(e, m));
        place(node, m.box, p);
        sheet.append(node);
      }
    }
    renderSide();
    updateToolbar();
  }

  function renderSide() {
    const list = $("#mask-list");
    list.replaceChildren();
    const on = state.masks.filter((m) => m.on).length;
    $("#mask-count").textContent = `（启用 ${on} / 共 ${state.masks.length}）`;
    if (!state.masks.length) list.append(el("li", { class: "muted", text: "没有遮盖框。可用“添加遮盖框”在页面上拖出。" }));
    for (const m of state.masks) {
      const kindSel = el("select", { "aria-label": "类型", onchange: (e) => { m.kind = e.target.value; changed(); } },
        ...Object.entries(KIND_LABEL).map(([v, t]) => el("option", { value: v, text: t, selected: v === m.kind })));
      const li = el("li", { class: `${m.kind}${state.selected === m.id ? " selected" : ""}`, "data-id": m.id },
        el("div", { class: "row" },
          el("input", { type: "checkbox", checked: m.on, "aria-label": "启用", onchange: (e) => { m.on = e.target.checked; changed(); } }),
          el("span", { text: `第 ${m.page + 1} 页` }), kindSel,
          el("span", { text: m.text ? `「${m.text}」` : "" }),
          el("button", { type: "button", text: "删除", onclick: () => removeMask(m.id) })),
        el("div", { class: "why", text: m.reason || (m.source === "user" ? "申报人添加" : "") }),
        !m.on && m.kind === "name" ? el("div", { class: "refusal", text: "已停用：此处申报人姓名将保持可见" }) : null,
        m.refusal ? el("div", { class: "refusal", text: `不符合规则：${m.refusal}` }) : null);
      li.addEventListener("click", (e) => { if (e.target.tagName !== "BUTTON" && e.target.tagName !== "INPUT" && e.target.tagName !== "SELECT") select(m.id); });
      list.append(li);
    }
    const kl = $("#kept-list");
    kl.replaceChildren();
    let nk = 0;
    for (const p of state.result.pages) {
      for (const k of p.kept || []) {
        nk++;
        const promotable = !k.kind.startsWith("other_");
        kl.append(el("li", { class: "kept" },
          el("div", { text: `第 ${p.index + 1} 页 · ${KEPT_LABEL[k.kind] || k.kind}${k.text ? "「" + k.text + "」" : ""}` }),
          el("div", { class: "why", text: k.reason }),
          promotable ? el("button", { type: "button", text: "改为遮盖", onclick: () => addMask(p.index, k.kind.includes("seal") ? "seal" : "name", k.box.slice(), k.text) }) : null));
      }
    }
    if (!nk) kl.append(el("li", { class: "muted", text: "无" }));
    const wl = $("#warn-list");
    wl.replaceChildren();
    let nw = 0;
    for (const w of state.result.warnings || []) { nw++; wl.append(el("li", { class: `finding ${w.severity}`, text: `${w.code}：${w.message}` })); }
    for (const p of state.result.pages) {
      for (const w of p.warnings || []) { nw++; wl.append(el("li", { class: `finding ${w.severity}`, text: `第 ${p.index + 1} 页 ${w.code}：${w.message}` })); }
    }
    if (!nw) wl.append(el("li", { class: "muted", text: "无" }));
  }

  function updateToolbar() {
    const active = state.masks.filter((m) => m.on);
    const refused = active.filter((m) => m.refusal);
    $("#download").disabled = !state.result || refused.length > 0;
    $("#download").title = refused.length ? "有遮盖框不符合规则，请先调整或停用" : "";
    $("#delete-box").disabled = state.selected === null;
    $("#add-box").setAttribute("aria-pressed", String(state.adding));
    for (const s of document.querySelectorAll(".sheet")) s.classList.toggle("adding", state.adding);
  }

  // ------------------------------------------------------------------ editing
  function select(id) { state.selected = id; render(); }

  function removeMask(id) {
    state.masks = state.masks.filter((m) => m.id !== id);
    if (state.selected === id) state.selected = null;
    changed();
  }

  function addMask(page, kind, box, text = "") {
    const m = { id: ++state.seq, page, kind, box, on: true, source: "user", text, reason: "", refusal: null };
    state.masks.push(m);
    state.selected = m.id;
    changed();
    return m;
  }

  function changed() { render(); validate(); }

  function clampBox(b, p) {
    let [x0, y0, x1, y1] = b;
    if (x1 < x0) [x0, x1] = [x1, x0];
    if (y1 < y0) [y0, y1] = [y1, y0];
    const r = (v) => (p.unit === "px" ? Math.round(v) : Math.round(v * 100) / 100);
    return [r(Math.max(0, x0)), r(Math.max(0, y0)), r(Math.min(p.width, x1)), r(Math.min(p.height, y1))];
  }

  function toPage(e, sheet, p) {
    const r = sheet.getBoundingClientRect();
    return [(e.clientX - r.left) * p.width / r.width, (e.clientY - r.top) * p.height / r.height];
  }

  function onSheetDown(e, idx) {
    if (e.button !== 0) return;
    const sheet = e.currentTarget;
    const p = pageOf(idx);
    const [px, py] = toPage(e, sheet, p);
    const boxNode = e.target.closest(".box.mask");
    let drag;
    if (state.adding) {
      const draft = el("div", { class: "box draft" });
      sheet.append(draft);
      drag = { mode: "draw", x: px, y: py, draft };
    } else if (boxNode) {
      const m = state.masks.find((x) => x.id === Number(boxNode.dataset.id));
      if (!m) return;
      if (state.selected !== m.id) { state.selected = m.id; render(); }
      const corner = e.target.dataset.corner;
      drag = { mode: corner ? "resize" : "move", corner, m, x: px, y: py, box: m.box.slice(), moved: false };
    } else {
      if (state.selected !== null) { state.selected = null; render(); }
      return;
    }
    e.preventDefault();
    sheet.setPointerCapture(e.pointerId);
    const move = (ev) => {
      const [qx, qy] = toPage(ev, sheet, p);
      const dx = qx - drag.x, dy = qy - drag.y;
      if (drag.mode === "draw") {
        place(drag.draft, clampBox([drag.x, drag.y, qx, qy], p), p);
        return;
      }
      drag.moved = true;
      const [x0, y0, x1, y1] = drag.box;
      let nb;
      if (drag.mode === "move") {
        const w = x1 - x0, h = y1 - y0;
        const nx = Math.min(Math.max(0, x0 + dx), p.width - w), ny = Math.min(Math.max(0, y0 + dy), p.height - h);
        nb = [nx, ny, nx + w, ny + h];
      } else {
        nb = [x0, y0, x1, y1];
        if (drag.corner.includes("w")) nb[0] = x0 + dx; else nb[2] = x1 + dx;
        if (drag.corner.includes("n")) nb[1] = y0 + dy; else nb[3] = y1 + dy;
      }
      drag.m.box = clampBox(nb, p);
      const node = sheet.querySelector(`.box.mask[data-id="${drag.m.id}"]`);
      if (node) place(node, drag.m.box, p);
    };
    const up = (ev) => {
      sheet.removeEventListener("pointermove", move);
      sheet.removeEventListener("pointerup", up);
      sheet.removeEventListener("pointercancel", up);
      if (drag.mode === "draw") {
        drag.draft.remove();
        const [qx, qy] = toPage(ev, sheet, p);
        const b = clampBox([drag.x, drag.y, qx, qy], p);
        state.adding = false;
        if (b[2] - b[0] >= MIN_BOX && b[3] - b[1] >= MIN_BOX) addMask(idx, $("#add-kind").value, b);
        else render();
      } else if (drag.moved) {
        changed();
      }
    };
    sheet.addEventListener("pointermove", move);
    sheet.addEventListener("pointerup", up);
    sheet.addEventListener("pointercancel", up);
  }

  function onBoxKey(e, m) {
    const p = pageOf(m.page);
    const step = (p.unit === "px" ? Math.max(1, Math.round(p.width / 500)) : 1) * (e.shiftKey ? 10 : 1);
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (d) {
      e.preventDefault();
      const [x0, y0, x1, y1] = m.box;
      m.box = clampBox([x0 + d[0], y0 + d[1], x1 + d[0], y1 + d[1]], p);
      state.selected = m.id;
      changed();
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      removeMask(m.id);
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      m.on = !m.on;
      changed();
    }
  }

  // ------------------------------------------------------------------ policy
  function lineHeight(p, box) {
    if (!p.lines || p.orientation === 90 || p.orientation === 270) return null;
    let best = null;
    for (const l of p.lines) {
      const ix = Math.min(l[2], box[2]) - Math.max(l[0], box[0]);
      const iy = Math.min(l[3], box[3]) - Math.max(l[1], box[1]);
      if (ix > 0 && iy > 0) best = Math.max(best || 0, l[3] - l[1]);
    }
    return best;
  }

  async function validate() {
    if (!state.result) return;
    const seq = ++state.checkSeq;
    const masks = state.masks.map((m) => {
      const lh = lineHeight(pageOf(m.page), m.box);
      return { page: m.page, kind: m.kind, box: m.box, ...(lh ? { line_height: lh } : {}) };
    });
    const ids = state.masks.map((m) => m.id);
    const body = JSON.stringify({ pages: state.result.pages.map((p) => ({ width: p.width, height: p.height })), masks });
    try {
      const res = await call("/v1/policy/check", body);
      if (seq !== state.checkSeq) return; // a newer edit is being checked
      res.results.forEach((r, i) => {
        const m = state.masks.find((x) => x.id === ids[i]);
        if (m) m.refusal = r.ok ? null : r.reason;
      });
      render();
    } catch (e) {
      setStatus(`规则检查失败：${e.message}`, true);
    }
  }

  // ------------------------------------------------------------------ compliance check
  async function runCheck() {
    const box = $("#check");
    box.replaceChildren(el("p", { class: "muted", text: "正在检查……" }));
    try {
      const res = await call("/v1/check", form({ expect: "document" }));
      const pass = res.verdict === "pass";
      box.replaceChildren(el("p", { class: pass ? "verdict-pass" : "verdict-fail", text: pass ? "通过" : "不通过" }));
      const ul = el("ul");
      for (const p of res.pages || []) {
        for (const f of p.findings || []) ul.append(el("li", { class: `finding ${f.severity}`, text: `第 ${p.index + 1} 页 ${f.code}：${f.message}` }));
      }
      for (const f of (res.photo && res.photo.findings) || []) ul.append(el("li", { class: `finding ${f.severity}`, text: `照片 ${f.code}：${f.message}` }));
      if (!ul.children.length) ul.append(el("li", { class: "muted", text: "未发现问题（方向、清晰度、分辨率）" }));
      box.append(ul);
    } catch (e) {
      box.replaceChildren(el("p", { class: "muted", text: e.status === 501 ? "合规检查功能暂不可用。" : `检查失败：${e.message}` }));
    }
  }

  // ------------------------------------------------------------------ download
  function decodeReport(b64) {
    try {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (_) { return null; }
  }

  async function download() {
    const active = state.masks.filter((m) => m.on);
    const offNames = state.masks.filter((m) => !m.on && m.kind === "name").length;
    $("#download").disabled = true;
    setStatus("正在生成遮盖后的文件……");
    try {
      const masks = active.map((m) => {
        const lh = lineHeight(pageOf(m.page), m.box);
        return { page: m.page, kind: m.kind, box: m.box, ...(lh ? { line_height: lh } : {}) };
      });
      const resp = await call("/v1/apply", form({ masks: JSON.stringify(masks) }), false);
      const blob = await resp.blob();
      const cd = resp.headers.get("Content-Disposition") || "";
      const fname = (cd.match(/filename="([^"]+)"/) || [])[1] || "masked";
      const report = decodeReport(resp.headers.get("X-Masker-Report") || "");
      const a = $("#download-link");
      if (a.href) URL.revokeObjectURL(a.href);
      a.href = URL.createObjectURL(blob);
      a.download = fname;
      a.textContent = fname;
      a.click();
      const n = report ? report.pages.reduce((s, p) => s + p.masks.length, 0) : active.length;
      setStatus(`已下载 ${fname}（遮盖 ${n} 处）` + (offNames ? `。注意：有 ${offNames} 处姓名框已停用，这些姓名仍可见。` : "。"));
    } catch (e) {
      setStatus(e.message, true);
    } finally {
      updateToolbar();
    }
  }

  // ------------------------------------------------------------------ wiring
  function init() {
    $("#upload-form").addEventListener("submit", analyse);
    $("#add-box").addEventListener("click", () => { state.adding = !state.adding; updateToolbar(); });
    $("#delete-box").addEventListener("click", () => { if (state.selected !== null) removeMask(state.selected); });
    $("#reset").addEventListener("click", () => {
      state.masks = state.proposed.map((m) => ({ ...m, box: m.box.slice(), id: ++state.seq }));
      state.selected = null;
      changed();
    });
    $("#download").addEventListener("click", download);
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && state.adding) { state.adding = false; updateToolbar(); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
