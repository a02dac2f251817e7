// The SPARQL editor: runs the query through the protocol endpoint (/sparql) and shows a table.
// Without JavaScript the form still works: it opens the results in the chosen format.
(function () {
  var form = document.getElementById("sparql-form");
  var query = document.getElementById("query");
  var section = document.getElementById("results");
  var status = document.getElementById("result-status");
  var table = document.getElementById("result-table");
  var msg = document.getElementById("sparql-messages").dataset;

  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      query.value = document.getElementById(button.dataset.example).content.textContent;
      query.focus();
    });
  });

  function links() {
    document.querySelectorAll("#downloads a[data-format]").forEach(function (a) {
      a.href = "/sparql?" + new URLSearchParams({query: query.value, format: a.dataset.format});
      a.setAttribute("download", "results." + a.dataset.format);
    });
  }

  function cell(term) {
    var td = document.createElement("td");
    if (term) {
      td.textContent = term.value;
      if (term.type === "uri") td.className = "iri";
    }
    return td;
  }

  function show(data, truncated) {
    var head = table.tHead, body = table.tBodies[0];
    head.textContent = ""; body.textContent = "";
    if (typeof data.boolean === "boolean") {
      status.textContent = msg.boolean + " " + data.boolean;
      return;
    }
    var vars = data.head.vars, rows = data.results.bindings;
    var tr = document.createElement("tr");
    vars.forEach(function (v) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = v; tr.appendChild(th);
    });
    head.appendChild(tr);
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      vars.forEach(function (v) { r.appendChild(cell(row[v])); });
      body.appendChild(r);
    });
    status.textContent = msg.rows.replace("{n}", rows.length) + (truncated ? " " + msg.truncated : "");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    section.hidden = false;
    status.textContent = msg.running;
    links();
    fetch("/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, application/ld+json;q=0.5"},
      body: new URLSearchParams({query: query.value})
    }).then(function (response) {
      var truncated = response.headers.get("X-Integraph-Truncated") === "true";
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        return response.json().then(function (e) { throw new Error(e.message || response.statusText); });
      }
      if (type.indexOf("sparql-results+json") < 0) {
        table.tHead.textContent = ""; table.tBodies[0].textContent = "";
        status.textContent = msg.graph;
        return null;
      }
      return response.json().then(function (data) { show(data, truncated); });
    }).catch(function (error) {
      table.tHead.textContent = ""; table.tBodies[0].textContent = "";
      status.textContent = msg.error + " " + error.message;
    });
  });
})();
