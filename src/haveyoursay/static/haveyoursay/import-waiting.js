// With JavaScript, the page looks again by itself: the figures are updated in place, a change
// of state is read out by screen readers (a status region: the row counts, which change every
// few seconds, are not), and once the work is done the page goes on to the result. Without
// it, the "Check again" link does the same.
const status = document.getElementById("import-status");
const progress = document.getElementById("import-progress");
async function look() {
  try {
    const reply = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
    const page = new DOMParser().parseFromString(await reply.text(), "text/html");
    const fresh = page.getElementById("import-status");
    if (!reply.ok || !fresh || fresh.dataset.waiting !== "true") {
      window.location.assign(reply.url);
      return;
    }
    if (fresh.textContent.trim() !== status.textContent.trim()) status.innerHTML = fresh.innerHTML;
    const freshProgress = page.getElementById("import-progress");
    if (freshProgress) progress.innerHTML = freshProgress.innerHTML;
  } catch (error) {
    // The server could not be reached this time: look again later.
  }
  window.setTimeout(look, 3000);
}
window.setTimeout(look, 2000);
