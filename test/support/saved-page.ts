/**
 * A saved page as a Document, for adapter tests (happy-dom): parsed like a browser parses it,
 * with its `<html>` and `<body>` attributes, minus external stylesheets and scripts (read offline).
 */
import { readFileSync } from 'node:fs';

export function savedPage(path: string): Document {
  const html = readFileSync(path, 'utf8').replace(/<link[^>]*>|<script\b[^>]*\bsrc=[^>]*>\s*<\/script>/gi, '');
  return new DOMParser().parseFromString(html, 'text/html');
}
