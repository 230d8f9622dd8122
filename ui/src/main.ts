import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";

// Errors no screen caught are kept (without record data: the message only) for the
// end-to-end tests' failure reports.
const uncaught: string[] = [];
(window as unknown as { __qorgauErrors: string[] }).__qorgauErrors = uncaught;
window.addEventListener("error", (e) => uncaught.push(`${e.message} ${e.error?.stack ?? ""}`));
window.addEventListener("unhandledrejection", (e) =>
  uncaught.push(`${(e.reason as Error)?.message ?? e.reason} ${(e.reason as Error)?.stack ?? ""}`),
);

mount(App, { target: document.getElementById("app")! });
