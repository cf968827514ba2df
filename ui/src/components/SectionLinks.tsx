// The "on this page" links of long pages: each moves the view and the keyboard focus to its section's
// heading (the hash stays the page's route).
export function SectionLinks({ page, links }: { page: string; links: Array<{ id: string; label: string }> }) {
  const go = (e: Event, id: string) => {
    e.preventDefault();
    const el = document.getElementById(id);
    el?.scrollIntoView({ block: 'start' });
    el?.querySelector<HTMLElement>('h2')?.focus();
  };
  return (
    <nav class="section-links" aria-label="On this page">
      {links.map((l) => (
        <a key={l.id} href={page} onClick={(e) => go(e, l.id)}>{l.label}</a>
      ))}
    </nav>
  );
}
