// The CPD record: sortable column headers. Progressive enhancement: without this script the
// table is a plain table sorted by date, oldest first, and says so in its caption.
// Each sortable header gets a button (keyboard operable: Tab, then Enter or Space); the
// header carries aria-sort, and the caption says the order in words, so the state is never
// shown by an arrow or colour alone.
(() => {
  for (const table of document.querySelectorAll("table[data-sortable]")) {
    const headers = [...table.tHead.rows[0].cells];
    const body = table.tBodies[0];
    const caption = table.caption;
    const count = caption ? caption.textContent.split(",")[0] : "";
    const value = (row, index, kind) => {
      const cell = row.cells[index];
      const raw = cell.dataset.value ?? cell.textContent.trim();
      return kind === "number" ? Number.parseFloat(raw) || 0 : raw.toLowerCase();
    };
    const sortBy = (index, direction) => {
      const kind = headers[index].dataset.sort;
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = value(a, index, kind);
        const y = value(b, index, kind);
        const order = x < y ? -1 : x > y ? 1 : 0;
        return direction === "ascending" ? order : -order;
      });
      body.append(...rows);
      headers.forEach((header, i) => {
        if (i === index) header.setAttribute("aria-sort", direction);
        else header.removeAttribute("aria-sort");
        const arrow = header.querySelector(".sort-arrow");
        if (arrow) arrow.textContent = i === index ? (direction === "ascending" ? "▲" : "▼") : "";
      });
      if (caption) {
        const name = headers[index].querySelector("button").firstChild.textContent.trim();
        const words = direction === "ascending" ? "ascending" : "descending";
        caption.textContent = `${count}, sorted by ${name.toLowerCase()}, ${words}`;
      }
    };
    headers.forEach((header, index) => {
      if (!header.dataset.sort) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.append(header.textContent.trim());
      const arrow = document.createElement("span");
      arrow.className = "sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = header.getAttribute("aria-sort") === "ascending" ? "▲" : "";
      button.append(" ", arrow);
      header.replaceChildren(button);
      button.addEventListener("click", () => {
        const now = header.getAttribute("aria-sort");
        sortBy(index, now === "ascending" ? "descending" : "ascending");
      });
    });
    table.classList.add("is-sortable");
  }
})();
