import { describe, expect, it } from 'vitest';
import { parseGrantLine, rolesOf } from './grants';

describe('parseGrantLine', () => {
  it('reads privilege lines, every-table targets and role lines', () => {
    expect(parseGrantLine('GRANT SELECT, INSERT ON default.events TO ana')).toEqual({
      kind: 'privileges', privileges: ['SELECT', 'INSERT'], table: 'events', to: 'ana',
    });
    expect(parseGrantLine('GRANT ADMIN ON *.* TO admin')).toEqual({ kind: 'privileges', privileges: ['ADMIN'], table: '*', to: 'admin' });
    expect(parseGrantLine('GRANT analyst TO ana')).toEqual({ kind: 'role', role: 'analyst', to: 'ana' });
    expect(parseGrantLine('REVOKE x')).toBeNull();
    expect(rolesOf(['GRANT SELECT ON *.* TO v', 'GRANT viewer TO v', 'GRANT ingest TO v'])).toEqual(['viewer', 'ingest']);
  });
});
