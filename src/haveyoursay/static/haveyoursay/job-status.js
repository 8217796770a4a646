// Following background work on the page that started it or shows it (the report, a question's
// themes, an import, the job itself). The page marks its state with data-job-status (a status
// region, data-waiting="true" while the work goes on) and its figures with data-job-progress.
//
// Without JavaScript such a page looks again by itself (a <meta> refresh inside <noscript>) or
// has a "Check again" link. With it, the page looks again in the background instead: a change
// of state is read out by screen readers, the figures, which change every few seconds, are
// updated in place without being read out, and once the work is done the page goes on to the
// result. If the person has started typing on the page, it is not taken away from them: the
// status says the work is done, with a link to see the result.
const status = document.querySelector("[data-job-status]");

if (status && status.dataset.waiting === "true") {
  let typed = false;
  document.addEventListener("input", () => { typed = true; });

  function sayDone(url) {
    const paragraph = document.createElement("p");
    paragraph.className = "govuk-body";
    paragraph.append("This has finished. Save what you are writing, then ");
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = url;
    link.textContent = "see the result";
    paragraph.append(link, ".");
    status.replaceChildren(paragraph);
  }

  async function look() {
    try {
      const reply = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      const page = new DOMParser().parseFromString(await reply.text(), "text/html");
      const fresh = page.querySelector("[data-job-status]");
      if (!reply.ok || !fresh || fresh.dataset.waiting !== "true") {
        if (typed) {
          sayDone(reply.url);
        } else {
          window.location.assign(reply.url);
        }
        return;
      }
      if (fresh.textContent.trim() !== status.textContent.trim()) status.innerHTML = fresh.innerHTML;
      const progress = document.querySelector("[data-job-progress]");
      const freshProgress = page.querySelector("[data-job-progress]");
      if (progress && freshProgress) progress.innerHTML = freshProgress.innerHTML;
    } catch (error) {
      // The server could not be reached this time: look again later.
    }
    window.setTimeout(look, 3000);
  }
  window.setTimeout(look, 2000);
}
