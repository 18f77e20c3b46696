/* OncoLens page behaviour: upload with progress, source highlighting, citation
   links, review shortcuts. Every feature has a no-script fallback in the HTML. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* ---------- upload: drag and drop, several files, progress, then live status */
  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    var input = document.getElementById("file");
    var zone = document.getElementById("dropzone");
    var chosen = document.getElementById("chosen");
    var box = document.getElementById("progress-box");
    var bar = document.getElementById("upload-progress");
    var text = document.getElementById("progress-text");
    var list = document.getElementById("doc-list");
    var button = document.getElementById("upload-button");

    function describe(files) {
      chosen.textContent = files.length ? files.length + " file" + (files.length > 1 ? "s" : "") +
        " chosen: " + Array.prototype.map.call(files, function (f) { return f.name; }).join(", ") : "";
    }
    input.addEventListener("change", function () { describe(input.files); });

    function send(files) {
      if (!files || !files.length) return;
      var data = new FormData();
      Array.prototype.forEach.call(files, function (f) { data.append("file", f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      box.hidden = false; bar.value = 0; text.textContent = "0%"; button.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.round(e.loaded / e.total * 100);
        bar.value = pct; bar.textContent = pct + "%"; text.textContent = pct + "%";
      });
      xhr.addEventListener("load", function () {
        button.disabled = false;
        bar.value = 100; text.textContent = xhr.status < 300 ? "Sent. Reading starts now." : "Some files were not accepted.";
        var empty = document.getElementById("no-docs");
        if (empty) empty.remove();
        var holder = document.createElement("ul");
        holder.innerHTML = xhr.responseText;
        var rows = Array.prototype.slice.call(holder.children);
        rows.reverse().forEach(function (row) {
          var old = row.id ? document.getElementById(row.id) : null;
          if (old) old.replaceWith(row); else list.insertBefore(row, list.firstChild);
          if (window.htmx) window.htmx.process(row);
        });
        form.reset(); describe([]);
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        text.textContent = "The upload did not get through. Check your connection and try again.";
      });
      xhr.send(data);
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send(input.files);
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        describe(e.dataTransfer.files);
        send(e.dataTransfer.files);
      }
    });
  }

  /* ---------- scroll highlighted spans into view inside their page box */
  function showMarks(root) {
    (root || document).querySelectorAll(".page-text-view mark").forEach(function (mark) {
      var pre = mark.closest(".page-text-view");
      pre.scrollTop = Math.max(0, mark.offsetTop - 60);
    });
  }

  /* ---------- citations: a [n] link opens its source entry */
  function setupCitations() {
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a.cite");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("data-cite"));
      if (!target) return;
      var history = target.closest("details.history-item");
      if (history) history.open = true;
      target.open = true;
      document.querySelectorAll("details.citation.highlight").forEach(function (d) { d.classList.remove("highlight"); });
      target.classList.add("highlight");
    });
  }

  /* ---------- review shortcuts: a accept, c correct, r reject, j next, k previous */
  function setupReviewKeys() {
    if (!document.getElementById("accept-form") && !document.getElementById("next-link")) return;
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var tag = (e.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || e.target.isContentEditable) return;
      var go = function (id) { var a = document.getElementById(id); if (a) { e.preventDefault(); window.location = a.href; } };
      var focus = function (id) { var el = document.getElementById(id); if (el) { e.preventDefault(); el.focus(); } };
      switch (e.key) {
        case "a": var f = document.getElementById("accept-form"); if (f) { e.preventDefault(); f.requestSubmit(); } break;
        case "c": focus("correct-value"); break;
        case "r": focus("reject-reason"); break;
        case "j": go("next-link"); break;
        case "k": go("prev-link"); break;
      }
    });
  }

  /* ---------- ask: say that an answer is on its way */
  function setupAsk() {
    var form = document.getElementById("ask-form");
    if (!form) return;
    form.addEventListener("submit", function () {
      document.getElementById("ask-wait").hidden = false;
      document.getElementById("ask-button").disabled = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupUpload(); setupCitations(); setupReviewKeys(); setupAsk(); showMarks();
    document.body.addEventListener("htmx:afterSwap", function (e) {
      showMarks(e.detail.target);
      if (e.detail.target.id === "source-panel") {
        var heading = e.detail.target.querySelector("h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
      }
    });
  });
})();
