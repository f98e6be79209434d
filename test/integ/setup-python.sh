#!/usr/bin/env bash
# Placeholder until the Python integration environment lands.
set -euo pipefail
