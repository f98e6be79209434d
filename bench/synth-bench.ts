// Synthesis benchmark: how much time do the rule packs add to `cdk synth`?
//
// For each app size, runs plain synth, synth with IamBestPracticesChecks and synth with cdk-nag's
// AwsSolutionsChecks, each in a fresh process, interleaved, several times, and reports medians and
// the ratios of added time against plain synth in the same run (never absolute thresholds: the
// machine's speed cancels out).
//
//   npx projen bench                      # sizes 100, 1000, 5000; 3 repetitions
//   BENCH_SIZES=100,1000 BENCH_REPS=5 npx projen bench
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface Sample { variant: string; roles: number; constructMs: number; synthMs: number; totalMs: number; findings: number }

const sizes = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 3);
const variants = ['plain', 'guardrails', 'awssolutions'];
const root = path.resolve(__dirname, '..');

function measure(variant: string, roles: number): Sample {
  const out = execFileSync(process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-once.ts'), variant, String(roles)],
    { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' } });
  const sample = JSON.parse(out.trim().split('\n').pop()!) as Sample;
  fs.rmSync(path.join(root, 'bench', 'results', `cdk.out-${variant}-${roles}`), { recursive: true, force: true });
  return sample;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results: Record<number, Record<string, number>> = {};
for (const roles of sizes) {
  const samples: Record<string, number[]> = Object.fromEntries(variants.map(v => [v, []]));
  for (let r = 0; r < reps; r++) {
    // Rotate the order so that no variant always runs first (or last) in a round.
    const order = variants.map((_, k) => variants[(k + r) % variants.length]);
    for (const variant of order) {
      const s = measure(variant, roles);
      samples[variant].push(s.totalMs);
      process.stderr.write(`  ${roles} roles, ${variant}: ${s.totalMs} ms (construct ${s.constructMs}, synth ${s.synthMs})\n`);
    }
  }
  results[roles] = Object.fromEntries(variants.map(v => [v, median(samples[v])]));
}

const rows = sizes.map(roles => {
  const r = results[roles];
  const ours = r.guardrails - r.plain;
  const theirs = r.awssolutions - r.plain;
  return {
    roles,
    plainMs: r.plain,
    guardrailsMs: r.guardrails,
    awsSolutionsMs: r.awssolutions,
    guardrailsAddedPct: +(100 * ours / r.plain).toFixed(1),
    awsSolutionsAddedPct: +(100 * theirs / r.plain).toFixed(1),
    oursVsAwsSolutions: +(ours / theirs).toFixed(2),
  };
});
console.table(rows);
if (sizes.includes(1000) && sizes.includes(5000)) {
  const added = (n: number) => results[n].guardrails - results[n].plain;
  console.log(`growth of our added time 1000 -> 5000 roles: x${(added(5000) / added(1000)).toFixed(2)} (linear would be x5.00)`);
  console.log(`growth of plain synth   1000 -> 5000 roles: x${(results[5000].plain / results[1000].plain).toFixed(2)}`);
}
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'results', 'latest.json'), JSON.stringify({ date: new Date().toISOString(), reps, rows }, null, 2));
