#!/usr/bin/env node
import { main } from './main.js';

// Exit explicitly: a plugin's stray handle (a browser, a socket) must not keep a finished run alive.
process.exit(await main(process.argv.slice(2)));
