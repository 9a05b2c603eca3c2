// "On this page": mark the link of the heading being read with aria-current="location".
// Progressive enhancement: without this script the list is plain links that still work.
(() => {
  const nav = document.querySelector("nav.on-this-page");
  if (!nav || !("IntersectionObserver" in window)) return;
  const links = [...nav.querySelectorAll('a[href^="#"]')];
  const pairs = links
    .map((link) => [link, document.getElementById(decodeURIComponent(link.hash.slice(1)))])
    .filter(([, heading]) => heading);
  if (pairs.length < 2) return;
  // The current heading: the last one whose top has passed the upper third of the window,
  // or the last heading of all once the page is scrolled to its end.
  const mark = () => {
    const line = window.innerHeight / 3;
    let current = pairs[0][0];
    for (const [link, heading] of pairs) {
      if (heading.getBoundingClientRect().top <= line) current = link;
    }
    const end = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    if (end && window.scrollY > 0) current = pairs[pairs.length - 1][0];
    for (const link of links) {
      if (link === current) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    }
  };
  let queued = false;
  const soon = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => { queued = false; mark(); });
    }
  };
  // Headings crossing the top third of the window (or its top edge) change the answer.
  const observer = new IntersectionObserver(soon, { rootMargin: "0px 0px -66% 0px" });
  for (const [, heading] of pairs) observer.observe(heading);
  // Reaching the end of the page moves no heading across that line, so watch for it too.
  window.addEventListener("scroll", () => {
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) soon();
  }, { passive: true });
  window.addEventListener("hashchange", soon);
  window.addEventListener("resize", soon);
  mark();
})();
