// Suggestions as you type in every search box of the site: the browser's own <datalist>, filled
// with the best names from /search?format=json (this origin) after a short pause. A dozen lines
// over a native element, so no library: the query page's editor bundle is not loaded here.
(() => {
  const boxes = document.querySelectorAll("form[role=search] input[name=q]");
  boxes.forEach((box, number) => {
    const list = document.createElement("datalist");
    list.id = `search-suggestions-${number}`;
    box.after(list);
    box.setAttribute("list", list.id);
    let timer = 0;
    let asked = "";
    box.addEventListener("input", () => {
      clearTimeout(timer);
      const query = box.value.trim();
      if (query.length < 2 || query === asked) return;
      timer = setTimeout(async () => {
        asked = query;
        const lang = document.documentElement.lang || "id";
        const url = `/search?format=json&limit=8&lang=${lang}&q=${encodeURIComponent(query)}`;
        try {
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok || box.value.trim() !== query) return;
          const names = [...new Set((await response.json()).map((hit) => hit.label))];
          list.replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), { value: name })));
        } catch {
          // No suggestions this time; the form still searches.
        }
      }, 150);
    });
  });
})();
