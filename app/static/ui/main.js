import { render } from "preact";
import { App } from "./App.js";
import { html } from "./html.js";

const root = document.getElementById("app");
root.textContent = ""; // the loading note is not Preact's to diff
render(html`<${App} />`, root);
