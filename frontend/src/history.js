// Query history kept in this browser (localStorage), newest first, shown under the form.
const KEY = "malang-kg:query-history";
const MOST = 25;

function load() {
  try {
    const stored = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    return Array.isArray(stored) ? stored.filter((item) => typeof item?.query === "string") : [];
  } catch {
    return []; // storage disabled or unreadable: no history
  }
}

export function remember(query) {
  if (!query.trim()) return;
  const kept = load().filter((item) => item.query !== query);
  kept.unshift({ query, at: new Date().toISOString() });
  try {
    window.localStorage.setItem(KEY, JSON.stringify(kept.slice(0, MOST)));
  } catch {
    // full or disabled storage: the query still runs
  }
}

function firstLine(query) {
  const lines = query.split("\n").map((line) => line.trim());
  const meaningful = lines.find((line) => line && !/^(PREFIX|BASE|#)/i.test(line));
  return (meaningful || lines[0] || "").slice(0, 90);
}

export function mountHistory(form, view, ui) {
  const details = document.createElement("details");
  details.id = "history";
  const summary = document.createElement("summary");
  summary.textContent = ui.t("history");
  details.append(summary);
  const list = document.createElement("ol");
  const render = () => {
    list.replaceChildren();
    const items = load();
    if (!items.length) {
      const empty = document.createElement("li");
      empty.textContent = ui.t("historyEmpty");
      list.append(empty);
    }
    for (const item of items) {
      const entry = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = ui.t("load");
      button.addEventListener("click", () => {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: item.query } });
        view.focus();
      });
      const code = document.createElement("code");
      code.textContent = firstLine(item.query);
      const time = document.createElement("time");
      time.dateTime = item.at;
      time.textContent = new Date(item.at).toLocaleString(ui.lang === "en" ? "en-GB" : "id-ID");
      entry.append(button, " ", code, " ", time);
      list.append(entry);
    }
  };
  const clear = document.createElement("button");
  clear.type = "button";
  clear.textContent = ui.t("clear");
  clear.addEventListener("click", () => {
    try {
      window.localStorage.removeItem(KEY);
    } catch {
      // nothing stored
    }
    render();
  });
  details.addEventListener("toggle", render);
  render();
  details.append(list, clear);
  form.after(details);
}
