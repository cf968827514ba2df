// SHOW GRANTS lines (as /v1/users, /v1/roles and /v1/me list them) read back into privileges and roles,
// so the admin page can revoke exactly one line.
//
//   GRANT SELECT, INSERT ON default.events TO ana    -> privileges on a table
//   GRANT ADMIN ON *.* TO admin                      -> "*" is every table
//   GRANT analyst TO ana                             -> a role

export type ParsedGrant =
  | { kind: 'privileges'; privileges: string[]; table: string; to: string }
  | { kind: 'role'; role: string; to: string };

export function parseGrantLine(line: string): ParsedGrant | null {
  const priv = /^GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s+(\S+)\s*$/i.exec(line.trim());
  if (priv) {
    const target = priv[2];
    const table = target === '*.*' || target === '*' || target === 'default.*' ? '*' : target.replace(/^default\./, '');
    return { kind: 'privileges', privileges: priv[1].split(',').map((p) => p.trim()).filter(Boolean), table, to: priv[3] };
  }
  const role = /^GRANT\s+(\S+)\s+TO\s+(\S+)\s*$/i.exec(line.trim());
  if (role) return { kind: 'role', role: role[1], to: role[2] };
  return null;
}

// The roles a list of grant lines gives.
export function rolesOf(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const g = parseGrantLine(l);
    if (g?.kind === 'role') out.push(g.role);
  }
  return out;
}
