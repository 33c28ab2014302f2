// The editor's own texts, in Indonesian and English (the page's <html lang> chooses).
const TEXTS = {
  editor: { id: "Editor kueri SPARQL", en: "SPARQL query editor" },
  hint: {
    id: "Ctrl+Enter (⌘+Enter) menjalankan kueri; Ctrl+Spasi menampilkan saran.",
    en: "Ctrl+Enter (⌘+Enter) runs the query; Ctrl+Space shows suggestions.",
  },
  history: { id: "Riwayat kueri di peramban ini", en: "Query history in this browser" },
  historyEmpty: { id: "Belum ada kueri yang dijalankan.", en: "No query run yet." },
  load: { id: "Muat", en: "Load" },
  clear: { id: "Hapus riwayat", en: "Clear history" },
  class: { id: "kelas", en: "class" },
  property: { id: "properti", en: "property" },
  entity: { id: "entitas", en: "entity" },
  prefix: { id: "prefiks", en: "prefix" },
  keyword: { id: "kata kunci", en: "keyword" },
};

export function texts(lang) {
  const language = lang === "en" ? "en" : "id";
  return { lang: language, t: (key) => TEXTS[key][language] };
}
