// Live smoke test against the real OpenRouter API. It runs only when OPENROUTER_API_KEY is set
// (a conditional test: without a key there is nothing to reach); the model can be picked with
// OPENROUTER_MODEL. The page is served locally and snapshotted for real; only the model is remote.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import openrouter from '@showrunner/plugin-openrouter';
import { describe, expect, it } from 'vitest';
import { planRun } from './helpers.js';

const PAGE = `<!doctype html><html lang="en"><head><title>Acme Projects</title></head><body>
<nav><a href="/">Home</a> <a href="/pricing">Pricing</a></nav>
<main><h1>Your projects</h1><button type="button">New project</button>
<label>Project name <input name="project"></label><button type="submit">Create</button></main></body></html>`;

describe('OpenRouter, live', () => {
  it.runIf(Boolean(process.env.OPENROUTER_API_KEY))(
    'plans a real demo for a local page',
    async () => {
      const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
        const plugin = openrouter({
          ...(process.env.OPENROUTER_MODEL ? { model: process.env.OPENROUTER_MODEL } : {}),
          fallbackModels: ['google/gemma-3-27b-it:free', 'mistralai/mistral-small-3.2-24b-instruct:free'],
          maxSteps: 6,
        });
        const t = await planRun(plugin, { url, description: 'Show how a new user creates a project called "Launch".' });
        const { demo } = await t.run();
        expect(demo.title).toBeTruthy();
        expect(demo.steps.length).toBeGreaterThan(0);
        for (const step of demo.steps) expect(step.narration?.trim()).toBeTruthy();
        console.log(JSON.stringify(demo, null, 1), `\n${t.text()}`);
      } finally {
        await new Promise<void>((resolve) => site.close(() => resolve()));
      }
    },
    180_000,
  );
});
