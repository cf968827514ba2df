// What every page may read: the signed-in caller and the colour theme.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './api';

export type Theme = 'light' | 'dark';

export interface AppContextValue {
  me: Me;
  theme: Theme;
  // Re-reads /v1/me (after a change of one's own grants, for example).
  refreshMe(): void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside AppContext');
  return v;
}
