// Synthesis benchmark: how much time do the rule packs add to `cdk synth`?
//
// For each app shape and size, runs R rounds; each round synthesizes the app plain, with
// IamBestPracticesChecks and with cdk-nag's AwsSolutionsChecks, each in a fresh process, in an order
// rotated from round to round. Machines drift (~15% between runs), so every number is paired within
// a round: added time = variant minus plain of the same round, reported as the median over rounds,
// as a % of the median plain time, and as the median of the per-round ratios ours/AwsSolutions.
// Never absolute thresholds: the machine's speed cancels out.
//
//   npx projen bench                      # shapes roles,stages,findings; 100, 1000, 5000 roles; 3 rounds
//   BENCH_SHAPES=roles,stages BENCH_SIZES=100,1000 BENCH_REPS=5 npx projen bench
//   BENCH_SHAPES=findings BENCH_SIZES=100 BENCH_REPS=1 npx ts-node --transpile-only bench/synth-bench.ts
//
// Shapes (see bench/synth-once.ts): roles (service roles with CDK grants, 200 per stack), stages (the
// same roles in nested Stages like a CDK Pipelines app, one NestedStack), findings (managed policies
// with error- and warning-level findings, plus a fixed stack of 300 roles sharing a 1,000-statement policy).
// Prints a Markdown table on stdout (progress on stderr) and writes bench/results/latest.json.
// A measurement that fails for another reason than the packs' findings is listed after the table,
// its row shows "failed", and the exit code is 1.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface Sample {
  shape: string; variant: string; roles: number; constructMs: number; synthMs: number; totalMs: number; findings: number; errors: number;
}
type Variant = 'plain' | 'guardrails' | 'awssolutions';
type Round = Partial<Record<Variant, Sample>>;

const list = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').map(s => s.trim()).filter(s => s !== '');
const shapes = list(process.env.BENCH_SHAPES, 'roles,stages,findings');
const sizes = list(process.env.BENCH_SIZES, '100,1000,5000').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 3);
if (shapes.some(s => !['roles', 'stages', 'findings'].includes(s)) || sizes.some(n => !Number.isInteger(n) || n < 1) || !(reps >= 1)) {
  console.error('BENCH_SHAPES must list roles, stages, findings; BENCH_SIZES positive integers; BENCH_REPS >= 1');
  process.exit(2);
}
const variants: Variant[] = ['plain', 'guardrails', 'awssolutions'];
const root = path.resolve(__dirname, '..');
const failures: string[] = [];

function measure(shape: string, variant: Variant, roles: number): Sample {
  try {
    const out = execFileSync(process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-once.ts'), variant, String(roles), shape],
      { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' } });
    return JSON.parse(out.trim().split('\n').pop()!) as Sample;
  } finally {
    fs.rmSync(path.join(root, 'bench', 'results', `cdk.out-${shape}-${variant}-${roles}`), { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Per-round differences `variant - plain`, over the rounds where both succeeded. */
function added(rounds: Round[], variant: Variant): number[] {
  return rounds.filter(r => r.plain && r[variant]).map(r => r[variant]!.totalMs - r.plain!.totalMs);
}

function summarize(shape: string, roles: number, rounds: Round[]) {
  const plainMs = median(rounds.flatMap(r => r.plain ? [r.plain.totalMs] : []));
  const pack = (variant: Variant) => {
    const diffs = added(rounds, variant);
    const last = [...rounds].reverse().find(r => r[variant])?.[variant];
    if (diffs.length === 0) return { addedMs: NaN, addedPct: NaN, findings: last?.findings ?? NaN, errors: last?.errors ?? NaN };
    const addedMs = median(diffs);
    return { addedMs, addedPct: +(100 * addedMs / plainMs).toFixed(1), findings: last!.findings, errors: last!.errors };
  };
  const ratios = rounds.filter(r => r.plain && r.guardrails && r.awssolutions)
    .map(r => (r.guardrails!.totalMs - r.plain!.totalMs) / (r.awssolutions!.totalMs - r.plain!.totalMs));
  return {
    shape,
    roles,
    plainMs,
    guardrails: pack('guardrails'),
    awsSolutions: pack('awssolutions'),
    oursVsAwsSolutions: ratios.length > 0 ? +median(ratios).toFixed(2) : NaN,
    rounds: rounds.map(r => Object.fromEntries(variants.map(v => [v, r[v]?.totalMs ?? null]))),
  };
}

const rows: Array<ReturnType<typeof summarize>> = [];
for (const shape of shapes) {
  for (const roles of sizes) {
    const rounds: Round[] = [];
    for (let r = 0; r < reps; r++) {
      const round: Round = {};
      // Rotate the order so that no variant always runs first (or last) in a round.
      const order = variants.map((_, k) => variants[(k + r) % variants.length]);
      for (const variant of order) {
        try {
          const s = measure(shape, variant, roles);
          round[variant] = s;
          process.stderr.write(`  ${shape} ${roles} roles, round ${r + 1}, ${variant}: ${s.totalMs} ms (construct ${s.constructMs}, synth ${s.synthMs}), ${s.findings} findings (${s.errors} errors)\n`);
        } catch (e) {
          const err = e as Error & { stderr?: string };
          const detail = (err.stderr || err.message).trim().split('\n').slice(-8).join('\n    ');
          failures.push(`${shape} ${roles} roles, round ${r + 1}, ${variant}:\n    ${detail}`);
          process.stderr.write(`  ${shape} ${roles} roles, round ${r + 1}, ${variant}: FAILED\n`);
        }
      }
      rounds.push(round);
    }
    rows.push(summarize(shape, roles, rounds));
  }
}

const cell = (p: { addedMs: number; addedPct: number }) =>
  Number.isNaN(p.addedMs) ? 'failed' : `${p.addedMs >= 0 ? '+' : ''}${Math.round(p.addedMs)} (${p.addedPct >= 0 ? '+' : ''}${p.addedPct}%)`;
const count = (p: { findings: number; errors: number }) => Number.isNaN(p.findings) ? '-' : `${p.findings} (${p.errors} err)`;
console.log(`Synthesis time, ${reps} round(s), medians of per-round differences against plain synth (Node ${process.version})\n`);
console.log('| shape | roles | plain ms | ours +ms (+%) | AwsSolutions +ms (+%) | ours/AwsSolutions | findings ours / AwsSolutions |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const row of rows) {
  console.log(`| ${row.shape} | ${row.roles} | ${Number.isNaN(row.plainMs) ? 'failed' : Math.round(row.plainMs)} | ${cell(row.guardrails)} | ${cell(row.awsSolutions)} | `
    + `${Number.isNaN(row.oursVsAwsSolutions) ? '-' : row.oursVsAwsSolutions} | ${count(row.guardrails)} / ${count(row.awsSolutions)} |`);
}
if (shapes.includes('findings')) console.log('\n(findings: plus a fixed stack of 300 roles sharing one 1,000-statement policy)');
for (const shape of shapes) {
  const at = (n: number) => rows.find(r => r.shape === shape && r.roles === n);
  const [small, large] = [at(1000), at(5000)];
  if (small && large && !Number.isNaN(small.guardrails.addedMs) && !Number.isNaN(large.guardrails.addedMs)) {
    console.log(`${shape}: growth of our added time 1000 -> 5000 roles: x${(large.guardrails.addedMs / small.guardrails.addedMs).toFixed(2)} (linear would be x5.00); `
      + `of plain synth: x${(large.plainMs / small.plainMs).toFixed(2)}`);
  }
}
if (failures.length > 0) {
  console.log(`\nFailed measurements (${failures.length}):\n${failures.map(f => `- ${f}`).join('\n')}`);
  process.exitCode = 1;
}
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'results', 'latest.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, reps, shapes, sizes, rows, failures }, null, 2));
