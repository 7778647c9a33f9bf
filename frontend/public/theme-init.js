// Applies the saved theme before the first paint (no flash of the wrong colours). A file, not an inline
// script, so the gateway's Content-Security-Policy can forbid inline scripts.
try {
  var theme = localStorage.getItem("batchivo.theme");
  var dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.classList.toggle("dark", dark);
} catch (e) {}
