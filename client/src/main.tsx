import { render } from 'preact';
import { App } from './App.js';
import { bootstrapAuth } from './auth.js';
import './styles/app.css';
import './styles/room.css';
import './styles/theme.css';
import './theme.js';

void bootstrapAuth();
// Installable web app: the service worker also receives Web Push (no native app needed).
if ('serviceWorker' in navigator && window.isSecureContext) {
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
const root = document.getElementById('app');
if (root) render(<App />, root);
