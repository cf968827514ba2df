// Entry point: applies the saved or preferred theme before the first paint and mounts the app.
import { render } from 'preact';
import { App } from './app';
import './styles.css';

const saved = localStorage.getItem('aurora.theme');
document.documentElement.dataset.theme =
  saved === 'light' || saved === 'dark' ? saved : window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

render(<App />, document.getElementById('app')!);
