"""Great Expectations Data Docs that open from the file system without internet.

GX 1.x pages load Bootstrap, jQuery, bootstrap-table, Font Awesome and Vega from public CDNs
(cdnjs, unpkg, jsdelivr, stackpath) and the logo from S3. Offline (an auditor's laptop, the
city's intranet) they render unstyled and the index tables stay empty, because the rows
are handed to ``$(...).bootstrapTable({data: ...})``. None of those libraries ships in a
Python wheel of the lock, so instead of vendoring them every page gets, inlined:

- a small stylesheet (layout, tables, cards, the status icons Font Awesome drew);
- a small script with the part of the jQuery/bootstrap-table API the pages call
  (``$(document).ready``, ``.on``, ``.fadeIn/.fadeOut``, ``.parent``, and
  ``.bootstrapTable({columns, data})`` rendering the rows as a plain table with links);

and every remote ``<script src>``, stylesheet ``<link href>`` and image is removed or
pointed at GX's own local copy under ``static/``. Tabs and collapsed sections are simply
shown open (no Bootstrap JS to toggle them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REMOTE = r"(?:https?:)?//"
REMOTE_SCRIPT = re.compile(
    rf"<script\b[^>]*\bsrc\s*=\s*['\"]{REMOTE}[^'\"]*['\"][^>]*>\s*</script>", re.I
)
REMOTE_LINK = re.compile(rf"<link\b[^>]*\bhref\s*=\s*['\"]{REMOTE}[^'\"]*['\"][^>]*/?>", re.I)
REMOTE_IMG = re.compile(rf"(<img\b[^>]*\bsrc\s*=\s*['\"]){REMOTE}[^'\"]*logo[^'\"]*(['\"])", re.I)
OTHER_REMOTE_IMG = re.compile(rf"<img\b[^>]*\bsrc\s*=\s*['\"]{REMOTE}[^'\"]*['\"][^>]*>", re.I)
CSS_REMOTE_URL = re.compile(rf"url\(\s*['\"]?{REMOTE}[^)'\"]*['\"]?\s*\)", re.I)
MARKER = "<!-- skillwatch-offline -->"

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Microsoft YaHei","PingFang SC",sans-serif;
 color:#212529;margin:0;line-height:1.45;font-size:14px;background:#fff}
a{color:#0b61a4}.container-fluid,.container{padding:0 16px}
.row{display:flex;flex-wrap:wrap;gap:16px}.col-12,.col,.col-md-12{flex:1 1 100%}
.col-md-2,.col-md-3{flex:0 0 260px;max-width:260px}.col-md-9,.col-md-10{flex:1 1 0;min-width:0}
.navbar{display:flex;align-items:center;gap:12px;padding:8px 16px;border-bottom:1px solid #ddd}
.navbar img{height:28px}.breadcrumb{list-style:none;display:flex;gap:6px;padding:0;margin:0}
.card{border:1px solid #ddd;border-radius:4px;margin:0 0 16px 0;overflow:auto}
.card-header{background:#f5f5f5;padding:6px 10px;border-bottom:1px solid #ddd}
.card-body{padding:8px 10px}.alert{padding:8px 10px;border:1px solid #ddd;border-radius:4px}
table{border-collapse:collapse;margin:6px 0;max-width:100%}
td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f5f5f5}.table-sm td,.table-sm th{padding:3px 6px}
.sw-table tbody tr:nth-child(even){background:#fafafa}.sw-table tbody tr:hover{background:#eef5fb}
.sw-search{margin:6px 0;padding:4px 6px;width:280px}
ul.nav,ul.list-group{list-style:none;padding:0;margin:0}
.nav-link{display:inline-block;padding:4px 8px}
.list-group-item{padding:4px 0;border-bottom:1px solid #eee}
.text-success{color:#1e7e34}.text-danger{color:#c0392b}.text-warning{color:#b8860b}
.text-muted{color:#6c757d}.badge{display:inline-block;padding:1px 6px;border-radius:8px;
 background:#e9ecef;font-size:12px}.btn{display:inline-block;padding:2px 8px;border:1px solid #bbb;
 border-radius:4px;background:#f8f9fa;cursor:pointer;font-size:13px}
.fas,.far,.fa{font-style:normal}.fa-check-circle:before,.fa-check:before{content:"\\2714"}
.fa-times:before,.fa-times-circle:before{content:"\\2718"}
.fa-exclamation-triangle:before{content:"\\26A0"}.fa-info-circle:before{content:"\\2139"}
.cooltip .top{display:none}.cooltip:hover .top{display:block;position:absolute;background:#fff;
 border:1px solid #ccc;padding:6px;white-space:pre;z-index:9;font-size:12px}
.show-scrollbars{overflow:auto}pre,code{white-space:pre-wrap;word-break:break-word}
.sw-offline-note{color:#6c757d;font-size:12px;margin:4px 0}
"""

# The slice of jQuery + bootstrap-table the GX templates call; nothing else is provided.
JS = r"""
(function () {
  function Q(nodes) { this.nodes = nodes; }
  function all(sel) {
    if (sel instanceof Q) return sel.nodes;
    if (sel === document || sel === window || (sel && sel.nodeType)) return [sel];
    if (typeof sel === "string") {
      try { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
      catch (e) { return []; }
    }
    return [];
  }
  var ready = [];
  function $(sel) {
    if (typeof sel === "function") { onReady(sel); return new Q([document]); }
    return new Q(all(sel));
  }
  function onReady(fn) {
    if (document.readyState !== "loading") { setTimeout(fn, 0); } else { ready.push(fn); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    ready.splice(0).forEach(function (fn) { try { fn(); } catch (e) { console.error(e); } });
  });
  Q.prototype.ready = function (fn) { onReady(fn); return this; };
  Q.prototype.on = function (name, fn) {
    var ev = String(name).split(".")[0];
    if (ev === "click" || ev === "change") {
      this.nodes.forEach(function (n) { n.addEventListener(ev, fn); });
    }
    return this;
  };
  Q.prototype.show = Q.prototype.fadeIn = function () {
    this.nodes.forEach(function (n) { n.style.display = ""; }); return this;
  };
  Q.prototype.hide = Q.prototype.fadeOut = function () {
    this.nodes.forEach(function (n) { n.style.display = "none"; }); return this;
  };
  Q.prototype.parent = function () {
    return new Q(this.nodes.map(function (n) { return n.parentNode; }).filter(Boolean));
  };
  Q.prototype.data = function (key) {
    var n = this.nodes[0]; return n ? n.getAttribute("data-" + key) : undefined;
  };
  Q.prototype.tooltip = Q.prototype.popover = Q.prototype.collapse = function () { return this; };
  Q.prototype.bootstrapTable = function (options) {
    if (typeof options !== "object" || options === null) return this;
    this.nodes.forEach(function (table) { renderTable(table, options); });
    return this;
  };
  function cell(tag, html) {
    var c = document.createElement(tag); c.innerHTML = html == null ? "" : String(html); return c;
  }
  function renderTable(table, o) {
    var cols = (o.columns || []).filter(function (c) { return c.visible !== false; });
    var rows = (o.data || []).slice();
    if (o.sortName) {
      var key = "_" + o.sortName + "_sort", desc = o.sortOrder === "desc";
      rows.sort(function (a, b) {
        var x = a[key] != null ? a[key] : a[o.sortName];
        var y = b[key] != null ? b[key] : b[o.sortName];
        return (x > y ? 1 : x < y ? -1 : 0) * (desc ? -1 : 1);
      });
    }
    table.innerHTML = "";
    table.className += " sw-table";
    var head = document.createElement("thead"), tr = document.createElement("tr");
    cols.forEach(function (c) { tr.appendChild(cell("th", c.title || c.field)); });
    head.appendChild(tr); table.appendChild(head);
    var body = document.createElement("tbody");
    rows.forEach(function (r) {
      var row = document.createElement("tr");
      row.setAttribute("data-search", JSON.stringify(r).toLowerCase());
      cols.forEach(function (c) { row.appendChild(cell("td", r[c.field])); });
      if (r._table_row_link_path) {
        row.style.cursor = "pointer";
        row.addEventListener("click", function (e) {
          if (e.target.closest("a")) return;
          window.location.href = r._table_row_link_path;
        });
      }
      body.appendChild(row);
    });
    table.appendChild(body);
    if (String(o.search) === "true" && rows.length > 5) {
      var box = document.createElement("input");
      box.className = "sw-search"; box.placeholder = "filter rows";
      box.addEventListener("input", function () {
        var q = box.value.toLowerCase();
        Array.prototype.forEach.call(body.rows, function (r) {
          r.style.display = r.getAttribute("data-search").indexOf(q) >= 0 ? "" : "none";
        });
      });
      table.parentNode.insertBefore(box, table);
    }
  }
  window.$ = window.jQuery = $;
  // charts need Vega, which is not available offline: say so instead of a blank space
  window.vegaEmbed = function (el) {
    var n = typeof el === "string" ? document.querySelector(el) : el;
    if (n) n.innerHTML = '<p class="sw-offline-note">chart not shown (offline copy)</p>';
    return Promise.resolve();
  };
})();
"""


def _static_prefix(page: Path, site: Path) -> str:
    rel = os.path.relpath(site, page.parent)
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def make_offline(html: str, static_prefix: str) -> str:
    """One page without remote scripts, stylesheets or images, with the inline shim."""
    if MARKER in html:
        return html
    html = REMOTE_SCRIPT.sub("", html)
    html = REMOTE_LINK.sub("", html)
    html = REMOTE_IMG.sub(rf"\g<1>{static_prefix}static/images/logo-long.png\g<2>", html)
    html = OTHER_REMOTE_IMG.sub("", html)
    html = CSS_REMOTE_URL.sub("none", html)  # the dark-mode logo, a background image
    inline = f"{MARKER}\n<style>{CSS}</style>\n<script>{JS}</script>\n"
    # before the page's own scripts, which call $ as soon as they run
    head = re.search(r"<head[^>]*>", html, re.I)
    if head:
        return html[: head.end()] + "\n" + inline + html[head.end() :]
    return inline + html


def make_site_offline(site: Path) -> int:
    """Rewrite every page of a Data Docs site in place; returns how many pages."""
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        page.write_text(make_offline(text, _static_prefix(page, site)), encoding="utf-8")
    return len(pages)


REMOTE_ASSET = re.compile(
    r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*['\"](?:https?:)?//[^'\"]+['\"]"
    r"|url\(\s*['\"]?(?:https?:)?//[^)]+\)",
    re.I,
)


def remote_assets(html: str) -> list[str]:
    """Scripts, stylesheets and images a page would fetch from the network (links a
    person may click are not assets)."""
    return REMOTE_ASSET.findall(html)
