/** The runs table in the browser: sort by a column, filter by text and state, tick runs and open their comparison. */

const table = document.getElementById('runs') as HTMLTableElement;
const filter = document.getElementById('filter') as HTMLInputElement;
const stateFilter = document.getElementById('state-filter') as HTMLSelectElement;
const compare = document.getElementById('compare') as HTMLButtonElement;
const selection = document.getElementById('selection') as HTMLElement;
const NUMERIC = new Set(['accuracy', 'seconds']);

function rows(): HTMLTableRowElement[] {
  return [...table.querySelectorAll<HTMLTableRowElement>('tr.run, tr.trial')];
}

/** Rows are sorted within their group, so a sweep's trials stay under its header. */
function sortBy(key: string, direction: 'ascending' | 'descending'): void {
  const sign = direction === 'ascending' ? 1 : -1;
  const value = (row: HTMLTableRowElement) => row.dataset[key] ?? '';
  for (const body of table.tBodies) {
    const sorted = [...body.querySelectorAll<HTMLTableRowElement>('tr.run, tr.trial')].sort((a, b) => {
      if (!NUMERIC.has(key)) return sign * value(a).localeCompare(value(b));
      // Runs without the figure go last whichever the direction.
      const [x, y] = [value(a), value(b)];
      if (x === '' || y === '') return (x === '' ? 1 : 0) - (y === '' ? 1 : 0);
      return sign * (Number(x) - Number(y));
    });
    sorted.forEach((row) => body.appendChild(row));
  }
  table.querySelectorAll<HTMLTableCellElement>('th[data-sort]').forEach((th) => th.removeAttribute('aria-sort'));
  table.querySelector(`th[data-sort="${key}"]`)?.setAttribute('aria-sort', direction);
}

function applyFilter(): void {
  const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
  const state = stateFilter.value;
  for (const row of rows()) {
    const text = [row.dataset.experiment, row.dataset.run, row.dataset.backend, row.dataset.state].join(' ').toLowerCase();
    const shown = words.every((w) => text.includes(w)) && (!state || row.dataset.state === state);
    row.hidden = !shown;
  }
  for (const body of table.tBodies) {
    const header = body.querySelector<HTMLTableRowElement>('tr.sweep');
    if (header) header.hidden = [...body.querySelectorAll<HTMLTableRowElement>('tr.trial')].every((r) => r.hidden);
  }
}

function picked(): string[] {
  return rows()
    .filter((row) => row.querySelector<HTMLInputElement>('input.pick')?.checked)
    .map((row) => row.dataset.key!);
}

function updateSelection(): void {
  const keys = picked();
  compare.disabled = keys.length < 2;
  selection.textContent = keys.length === 0 ? 'tick two or more complete runs' : `${keys.length} selected`;
}

table
  .querySelectorAll<HTMLTableCellElement>('th[data-sort]')
  .forEach((th) =>
    th.addEventListener('click', () => sortBy(th.dataset.sort!, th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending')),
  );
filter.addEventListener('input', applyFilter);
stateFilter.addEventListener('change', applyFilter);
table.addEventListener('change', updateSelection);
compare.addEventListener('click', () => {
  location.href = `/compare?${picked()
    .map((k) => `run=${encodeURIComponent(k)}`)
    .join('&')}`;
});
sortBy('date', 'descending');
updateSelection();
