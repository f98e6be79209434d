import { promises as fs } from 'fs';
import {
  CREDENTIAL_REPORT_USAGE,
  CommandIo,
  EXIT_NO_FINDINGS,
  EXIT_USAGE_OR_INPUT_ERROR,
  packageVersion,
  runCredentialReportCommand,
} from './credential-report-command';
import { EXPLAIN_USAGE, runExplainCommand } from './explain-command';
import { escapeControlCharacters } from '../credentials/private/escape';

const PROGRAM = 'cdk-iam-guardrails';

export const USAGE = `Usage: ${PROGRAM} <command> [options]

Commands:
  credential-report <file>  print the findings in an IAM credential report
                            (run '${PROGRAM} credential-report --help')
  scan <path>...            run the rule packs over a cdk.out directory or
                            CloudFormation templates (JSON or YAML), with
                            table, JSON, SARIF or JUnit output
                            (run '${PROGRAM} scan --help')
  explain <cdk.out | file>  print what each IAM principal may effectively do
                            (run '${PROGRAM} explain --help')
  diff <before> <after>     the access each principal gains and loses, new
                            findings and escalation paths, for pull requests
                            (run '${PROGRAM} diff --help')
  help [command]            show this help, or a command's

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

/**
 * The scan command, loaded on use: the rules load cdk-nag and with it aws-cdk-lib, which
 * credential-report does without (it starts in a fraction of the time).
 */
function scanCommand(): typeof import('./scan-command') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./scan-command');
}

/** The diff command, loaded on use for the same reason: it runs the rules for new findings. */
function diffCommand(): typeof import('./diff-command') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./diff-command');
}

/** The process's own streams and file system. */
export function nodeIo(): CommandIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    // Bytes, not text: the command tells gzip, UTF-16 and binary input from a report.
    readFile: path => fs.readFile(path),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks);
    },
  };
}

/** Dispatches to a subcommand and returns the exit status; never throws. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'credential-report':
        return await runCredentialReportCommand(rest, io);
      case 'scan':
        return await scanCommand().runScanCommand(rest, io);
      case 'explain':
        return await runExplainCommand(rest, io);
      case 'diff':
        return await diffCommand().runDiffCommand(rest, io);
      case '-h':
      case '--help':
        io.stdout(USAGE);
        return EXIT_NO_FINDINGS;
      case 'help':
        return help(rest, io);
      case '-v':
      case '--version':
        io.stdout(`${packageVersion()}\n`);
        return EXIT_NO_FINDINGS;
      case undefined:
        io.stderr(USAGE);
        return EXIT_USAGE_OR_INPUT_ERROR;
      default:
        io.stderr(`${PROGRAM}: unknown ${command.startsWith('-') ? 'option' : 'command'} '${escapeControlCharacters(command)}'\n\n${USAGE}`);
        return EXIT_USAGE_OR_INPUT_ERROR;
    }
  } catch (e) {
    // Exit status 1 means "findings", so an unexpected failure must not fall through to Node's
    // default of 1 for an uncaught error.
    const text = e instanceof Error ? e.stack ?? e.message : String(e);
    io.stderr(`${PROGRAM}: unexpected error: ${text.split('\n').map(escapeControlCharacters).join('\n')}\n`);
    return EXIT_USAGE_OR_INPUT_ERROR;
  }
}

/** `help` and `help <command>`, as git and npm have them. */
function help(args: string[], io: CommandIo): number {
  const [topic] = args;
  if (topic === undefined) {
    io.stdout(USAGE);
    return EXIT_NO_FINDINGS;
  }
  if (topic === 'credential-report') {
    io.stdout(CREDENTIAL_REPORT_USAGE);
    return EXIT_NO_FINDINGS;
  }
  if (topic === 'explain') {
    io.stdout(EXPLAIN_USAGE);
    return EXIT_NO_FINDINGS;
  }
  if (topic === 'diff') {
    io.stdout(diffCommand().DIFF_USAGE);
    return EXIT_NO_FINDINGS;
  }
  if (topic === 'scan') {
    io.stdout(scanCommand().SCAN_USAGE);
    return EXIT_NO_FINDINGS;
  }
  io.stderr(`${PROGRAM}: no help for unknown command '${escapeControlCharacters(topic)}'\n\n${USAGE}`);
  return EXIT_USAGE_OR_INPUT_ERROR;
}
