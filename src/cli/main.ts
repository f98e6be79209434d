#!/usr/bin/env node
import { nodeIo, runCli } from './cli';

void runCli(process.argv.slice(2), nodeIo()).then(code => {
  // exitCode rather than exit(): let piped stdout drain first.
  process.exitCode = code;
});
