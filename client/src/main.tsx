import { render } from 'preact';
import { App } from './App.js';
import { bootstrapAuth } from './auth.js';
import './styles/app.css';
import './styles/room.css';
import './styles/theme.css';
import './theme.js';

void bootstrapAuth();
const root = document.getElementById('app');
if (root) render(<App />, root);
