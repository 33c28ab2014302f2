// The query page's SPARQL editor: CodeMirror 6 over the plain form of /sparql, which keeps
// working without JavaScript (the textarea is the form's field; the editor writes it back).
//
// The editor lives in a shadow root: CodeMirror's styles (style-mod) then go to a constructed
// stylesheet instead of a <style> element, which the page's Content-Security-Policy
// (style-src 'self', no nonce: pages are cached) would block.
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  StreamLanguage,
  bracketMatching,
  defaultHighlightStyle,
  syntaxHighlighting,
} from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import {
  autocompletion,
  closeBrackets,
  completionKeymap,
  completionStatus,
} from "@codemirror/autocomplete";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

import { completionSource } from "./complete.js";
import { mountHistory, remember } from "./history.js";
import { texts } from "./texts.js";

const theme = EditorView.theme({
  "&": {
    border: "1px solid #57606a",
    borderRadius: "4px",
    fontSize: "0.95rem",
    backgroundColor: "#fff",
  },
  "&.cm-focused": { outline: "3px solid #b34700", outlineOffset: "2px" },
  ".cm-scroller": {
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
    minHeight: "14rem",
    maxHeight: "60vh",
  },
  ".cm-gutters": { backgroundColor: "#f6f8fa", color: "#57606a", borderRight: "1px solid #d0d7de" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "#0b5cad", color: "#fff" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { maxWidth: "min(40rem, 85vw)" },
  ".cm-completionDetail": { fontStyle: "normal", color: "inherit", opacity: "0.85" },
});

function errorDiagnostics(doc, section) {
  const line = Number(section.dataset.line);
  if (!line || line > doc.lines) return [];
  const start = doc.line(line);
  const column = Math.max(1, Number(section.dataset.column) || 1);
  const from = Math.min(start.to, start.from + column - 1);
  const token = section.dataset.token || "";
  const to = Math.min(start.to, from + Math.max(1, token.length));
  const message = section.querySelector("p")?.textContent?.trim() || section.textContent.trim();
  return [{ from, to: Math.max(to, from), severity: "error", message }];
}

function addPrefixLine(view, line) {
  const text = view.state.doc.toString();
  if (text.includes(line)) return;
  view.dispatch({ changes: { from: 0, insert: line + "\n" } });
}

function createEditor(textarea, form, ui) {
  const host = document.createElement("div");
  host.id = "editor";
  textarea.after(host);
  const root = host.attachShadow({ mode: "open" });
  const run = () => {
    textarea.value = view.state.doc.toString();
    form.requestSubmit();
    return true;
  };
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        closeBrackets(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [completionSource(ui)], activateOnTyping: true }),
        lintGutter(),
        keymap.of([
          { key: "Mod-Enter", run },
          ...completionKeymap,
          ...historyKeymap,
          ...defaultKeymap,
        ]),
        EditorView.contentAttributes.of({ "aria-label": ui.t("editor") }),
        EditorView.lineWrapping,
        theme,
      ],
    }),
  });
  textarea.hidden = true;
  textarea.setAttribute("aria-hidden", "true");
  form.addEventListener("submit", () => {
    textarea.value = view.state.doc.toString();
    remember(textarea.value);
  });
  return view;
}

function start() {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  if (!form || !textarea) return;
  const ui = texts(document.documentElement.lang);
  const view = createEditor(textarea, form, ui);
  const hint = document.createElement("p");
  hint.id = "editor-hint";
  hint.className = "muted";
  hint.textContent = ui.t("hint");
  form.querySelector("button[type=submit]")?.after(hint);
  // For the browser tests and the console: the view, and whether a completion answer is pending.
  window.malangKgEditor = view;
  window.malangKgCompletionStatus = () => completionStatus(view.state);

  const error = document.getElementById("error");
  if (error) {
    view.dispatch(setDiagnostics(view.state, errorDiagnostics(view.state.doc, error)));
    const fix = document.getElementById("prefix-fix");
    if (fix && error.dataset.fix) {
      fix.addEventListener("click", (event) => {
        event.preventDefault();
        addPrefixLine(view, error.dataset.fix);
        view.dispatch(setDiagnostics(view.state, []));
        error.hidden = true;
        view.focus();
      });
    }
  }
  mountHistory(form, view, ui);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
