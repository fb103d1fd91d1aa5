/* 同步队列 (collection/sync.html): what this device keeps, its state, and the conflict screen.
 * A conflict is resolved field by field (mine / server); the resolved submission is queued
 * again on the server's current record. Nothing is removed until the server has accepted it. */
(function () {
  "use strict";
  if (!window.LG) return;
  var Store = window.LG.store;
  var list = document.getElementById("lg-queue");
  var box = document.getElementById("lg-conflict");
  var L = list.dataset, C = box.dataset;
  var current = null;

  function text(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }

  function show(v) {
    if (v === null || v === undefined || v === "") return C.emptyValue;
    if (v === true) return C.yes;
    if (v === false) return C.no;
    return String(v);
  }

  function render() {
    Store.all().then(function (items) {
      items = items.filter(function (i) { return i.kind === "submission"; });
      items.sort(function (a, b) { return (a.saved_at || "").localeCompare(b.saved_at || ""); });
      list.textContent = "";
      if (!items.length) { list.appendChild(text("div", "list-group-item text-secondary", L.empty)); return; }
      items.forEach(function (i) {
        var row = text("div", "list-group-item");
        row.dataset.item = i.key;
        row.dataset.status = i.status;
        var top = text("div", "d-flex flex-wrap align-items-center gap-2");
        top.appendChild(text("strong", "", i.employer_name || ("#" + i.task)));
        var cls = i.status === "synced" ? "bg-green-lt" : i.status === "conflict" || i.status === "invalid" ? "bg-red-lt" : "bg-yellow-lt";
        top.appendChild(text("span", "badge " + cls, Store.label(i.status)));
        var n = Object.keys(i.photos || {}).length;
        var when = i.saved_at ? new Date(i.saved_at).toLocaleString() : "";
        var meta = L.saved + " " + when + (n ? " · " + n + " " + L.photos : "");
        top.appendChild(text("span", "small text-secondary ms-auto", meta));
        row.appendChild(top);
        if (i.error && i.status !== "synced") row.appendChild(text("div", "small text-danger mt-1", i.error));
        var actions = text("div", "mt-2 d-flex gap-2");
        if (i.status === "conflict") {
          var b = text("button", "btn btn-sm btn-warning", L.resolve);
          b.type = "button";
          b.addEventListener("click", function () { openConflict(i); });
          actions.appendChild(b);
        }
        if (i.status !== "synced" && i.form_url) {
          var a = text("a", "btn btn-sm", L.open);
          a.href = i.form_url;
          actions.appendChild(a);
        }
        if (i.status === "synced") {
          var r = text("button", "btn btn-sm btn-ghost-secondary", L.remove);
          r.type = "button";
          r.addEventListener("click", function () { Store.remove(i.key).then(render); });
          actions.appendChild(r);
        }
        row.appendChild(actions);
        list.appendChild(row);
      });
    }).catch(function () {});
  }

  function openConflict(item) {
    current = item;
    var c = item.conflict;
    document.getElementById("lg-conflict-name").textContent = item.employer_name || "";
    document.getElementById("lg-conflict-detail").textContent =
      c.detail + (c.server.collected_on ? " (" + c.server.collected_on + " " + (c.server.collector_name || "") + ")" : "");
    var rows = document.getElementById("lg-conflict-rows");
    rows.textContent = "";
    c.fields.forEach(function (f) {
      var tr = document.createElement("tr");
      tr.dataset.field = f.field;
      var label = text("td", "", f.label);
      if (f.changed_on_server) { label.appendChild(document.createElement("br")); label.appendChild(text("span", "small text-warning", C.changed)); }
      tr.appendChild(label);
      ["mine", "server"].forEach(function (side) {
        var td = document.createElement("td");
        var lab = text("label", "form-check");
        var input = document.createElement("input");
        input.type = "radio"; input.className = "form-check-input";
        input.name = "pick-" + f.field; input.value = side;
        input.addEventListener("change", function () { document.getElementById("lg-conflict-error").classList.add("d-none"); });
        lab.appendChild(input);
        lab.appendChild(text("span", "form-check-label", show(f[side])));
        td.appendChild(lab);
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    document.getElementById("lg-conflict-error").classList.add("d-none");
    box.classList.remove("d-none");
    box.scrollIntoView();
  }

  function pickAll(side) {
    box.querySelectorAll('input[type="radio"][value="' + side + '"]').forEach(function (r) { r.checked = true; });
  }
  document.getElementById("lg-all-mine").addEventListener("click", function () { pickAll("mine"); });
  document.getElementById("lg-all-server").addEventListener("click", function () { pickAll("server"); });
  document.getElementById("lg-conflict-cancel").addEventListener("click", function () { box.classList.add("d-none"); current = null; });
  document.getElementById("lg-conflict-apply").addEventListener("click", function () {
    if (!current) return;
    var c = current.conflict, data = Object.assign({}, current.data), missing = false;
    c.fields.forEach(function (f) {
      var picked = box.querySelector('input[name="pick-' + f.field + '"]:checked');
      if (!picked) { missing = true; return; }
      data[f.field] = picked.value === "server" ? f.server : f.mine;
    });
    if (missing) {
      var err = document.getElementById("lg-conflict-error");
      err.textContent = C.needAll; err.classList.remove("d-none");
      return;
    }
    // Fields the server has but this form did not send stay as the server has them.
    current.data = data;
    current.base_snapshot = c.server.snapshot;
    current.resolved_from = c;
    current.conflict = null;
    current.status = "queued";
    current.error = "";
    Store.put(current).then(function () {
      box.classList.add("d-none");
      current = null;
      render();
      return window.LG.sync();
    });
  });

  document.getElementById("lg-sync-now").addEventListener("click", function () { window.LG.sync(); });
  document.addEventListener("lg-queue-changed", render);
  document.addEventListener("lg-synced", render);
  render();
})();
