/* Results of a question set as plain HTML/CSS bars (projector and console).
   Counts and percentages are always written as text; bars are decoration. */
(function () {
  "use strict";
  var L = window.Live, t = L.t, el = L.el;

  function bar(label, count, percent, extra) {
    var fill = el("span", { class: "bar-fill" });
    fill.style.width = Math.max(0, Math.min(100, percent || 0)) + "%";
    return el("li", { class: "bar-row", "data-label": label, "data-count": String(count),
      "data-percent": String(percent) }, [
      el("span", { class: "bar-label", text: label }),
      el("span", { class: "bar-track", "aria-hidden": "true" }, [fill]),
      el("span", { class: "bar-value", text: extra || t("count_percent", { count: count, percent: L.number(percent || 0) }) }),
    ]);
  }

  function comments(list, limit, moreText) {
    if (!list || !list.length) return null;
    var ul = el("ul", { class: "result-comments", "aria-label": t("comments") });
    var sorted = L.sortComments(list);
    sorted.slice(0, limit || 6).forEach(function (c) {
      ul.appendChild(el("li", { class: "result-comment" + (c.highlighted ? " highlighted" : ""),
        "data-comment-id": String(c.id), "data-upvotes": String(c.upvotes || 0) }, [
        c.highlighted ? el("span", { class: "badge hl", text: t("highlighted") }) : null,
        el("span", { class: "comment-text", text: c.text }),
        el("span", { class: "comment-meta", text: (c.pseudonym || t("anonymous")) + " · " + t("upvotes", { n: c.upvotes || 0 }) }),
      ]));
    });
    // The projector says how many it leaves out (moreText: a function of that number).
    var left = sorted.length - (limit || 6);
    if (moreText && left > 0) ul.appendChild(el("li", { class: "result-more", "data-more": String(left), text: moreText(left) }));
    return ul;
  }

  /* One question's results. opts.compact (the projector's overview grid): a question without
     answers is only its prompt and « 0 réponse », fewer comments and words. opts.comments: how
     many comments to show (overrides the defaults), opts.moreComments(n): the text of a last line
     saying how many were left out (the projector). */
  function question(q, r, opts) {
    var compact = !!(opts && opts.compact);
    var n = r ? r.respondents : 0;
    var box = el("section", { class: "result result-" + (r ? r.kind : q.kind) + (compact && !n ? " result-empty" : ""),
      "data-question-id": String(q.id) }, [
      el("h3", { class: "result-prompt", text: q.prompt }),
      el("p", { class: "respondents", "data-respondents": String(n),
        text: compact && !n ? t("zero_answers") : t("respondents", { n: n }) }),
    ]);
    if (!n) {
      if (!compact) box.appendChild(el("p", { class: "meta", text: t("no_answers") }));
      return box;
    }
    var kind = r.kind;
    if (kind === "choice" || kind === "multi" || kind === "yesno") {
      var ul = el("ul", { class: "bars" });
      var shown = capped(r.options || [], opts, function (a, b) { return b.count - a.count; });
      shown.forEach(function (o) {
        var row = bar(o.label, o.count, o.percent);
        if (o.key) row.setAttribute("data-key", o.key);
        ul.appendChild(row);
      });
      box.appendChild(ul);
      more(box, (r.options || []).length - shown.length, opts);
    } else if (kind === "scale") {
      box.appendChild(el("p", { class: "mean", text: t("mean", { value: L.number(r.mean) }) +
        (r.median != null ? " · " + t("median", { value: L.number(r.median) }) : "") }));
      var dist = el("ul", { class: "bars scale-bars" });
      (r.distribution || []).forEach(function (d) { dist.appendChild(bar(String(d.value), d.count, d.percent)); });
      box.appendChild(dist);
    } else if (kind === "rank") {
      var ol = el("ol", { class: "rank-results" });
      var ranked = (r.options || []).slice().sort(function (a, b) { return a.average_rank - b.average_rank; });
      var worst = ranked.length || 1;
      var top = opts && opts.maxOptions ? ranked.slice(0, opts.maxOptions) : ranked;
      top.forEach(function (o) {
        // Longer bar = better rank.
        var pct = worst > 1 ? (worst - o.average_rank) / (worst - 1) * 100 : 100;
        ol.appendChild(bar(o.label, o.average_rank, pct, t("average_rank", { value: L.number(o.average_rank) })));
      });
      box.appendChild(ol);
      more(box, ranked.length - top.length, opts);
    } else if (kind === "words") {
      var words = (r.words || []).slice(0, compact ? 20 : 40);
      var max = words.reduce(function (m, w) { return Math.max(m, w.count); }, 1);
      var cloud = el("ul", { class: "word-cloud" });
      words.forEach(function (w) {
        var item = el("li", { class: "word", "data-count": String(w.count) }, [
          el("span", { "aria-hidden": "true", text: w.word }),
          el("span", { class: "visually-hidden", text: t("words_count", { word: w.word, n: w.count }) }),
        ]);
        item.style.fontSize = (1 + 2.2 * (w.count / max)).toFixed(2) + "em";
        cloud.appendChild(item);
      });
      box.appendChild(cloud);
    }
    var limit = opts && opts.comments != null ? opts.comments
      : compact ? (kind === "open" ? 3 : 1) : (kind === "open" ? 8 : 3);
    var c = limit > 0 ? comments(r.comments, limit, opts && opts.moreComments) : null;
    if (c) box.appendChild(c);
    return box;
  }

  /* At most opts.maxOptions of `list` (the projector, which cannot scroll): the first ones by
     `order`, shown in their own order. */
  function capped(list, opts, order) {
    var max = opts && opts.maxOptions;
    if (!max || list.length <= max) return list;
    var keep = list.slice().sort(order).slice(0, max);
    return list.filter(function (o) { return keep.indexOf(o) >= 0; });
  }

  /* « + n autres » under a capped list (opts.moreOptions(n) gives the text). */
  function more(box, n, opts) {
    if (n > 0 && opts && opts.moreOptions) {
      box.appendChild(el("p", { class: "result-more", "data-more": String(n), text: opts.moreOptions(n) }));
    }
  }

  function byQuestion(results) {
    var byId = {};
    ((results && results.questions) || []).forEach(function (r) { byId[r.question_id] = r; });
    return byId;
  }

  /* Fill `container` with the results of `set` (its questions give the prompts); `opts` as for
     question(), and opts.questions: only these questions of the set (the projector's page). */
  function render(container, set, results, opts) {
    L.clear(container);
    var byId = byQuestion(results);
    ((opts && opts.questions) || set.questions || []).forEach(function (q) {
      container.appendChild(question(q, byId[q.id], opts));
    });
  }

  /* The results of one question `q` of a set (`results`: the set's, or null). */
  function renderOne(container, q, results, opts) {
    L.clear(container);
    container.appendChild(question(q, byQuestion(results)[q.id], opts));
  }

  window.LiveResults = { render: render, renderOne: renderOne, bar: bar };
})();
